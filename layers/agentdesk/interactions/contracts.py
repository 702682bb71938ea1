"""What clients see of interactions: the views, the WebSocket action requests and their acks, the pushes,
and the chat-session HTTP API. docs/asyncapi.yaml and the OpenAPI document are generated from these."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from agentdesk.config.contracts import Description, Email
from agentdesk.config.contracts import Name as ConfigName
from agentdesk.interactions.domain.model import HELD
from agentdesk.realtime.envelope import ActionRequest

StatusName = Literal["queued", "offered", "active", "wrap_up", "closed", "abandoned"]
ChannelName = Literal["chat", "voice", "email", "task"]
DirectionName = Literal["inbound", "outbound"]
CategoryName = Literal["Success", "Unsure", "Fail"]
PartyName = Literal["agent", "customer", "system"]

InteractionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
# Tags follow the config API's label rules: letters, digits, spaces and a few marks.
Tag = Annotated[
    str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True, pattern=r"^[\w][\w .&/+#'()-]*$")
]
MessageText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
ClientMessageId = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- views -----------------------------------------------------------------------------------------------


class ContactView(_View):
    contactId: str
    name: str
    email: str | None = None
    phone: str | None = None


class NoteView(_View):
    noteId: str
    text: str
    authorId: str
    at: str


class DispositionView(_View):
    category: CategoryName
    outcome: str
    notes: str | None = None
    source: Literal["agent", "timeout"] = Field(description="timeout: written by the system when wrap-up ran out")
    complete: bool = Field(description="false: automatic or incomplete; the agent may complete it later")
    submittedAt: str
    submittedBy: str


class TimesView(_View):
    queuedAt: str
    offeredAt: str | None = None
    answeredAt: str | None = None
    firstAgentReplyAt: str | None = None
    endedAt: str | None = None
    wrapUpEndedAt: str | None = None
    transferredAt: str | None = Field(default=None, description="The last hand-over to another agent or queue")


class RatingView(_View):
    score: int = Field(ge=1, le=5)
    comment: str | None = None


class TransferView(_View):
    """An attended transfer waiting for the agent on it to confirm or cancel."""

    mode: Literal["blind", "attended"]
    to: dict[str, str] = Field(description='{"agentId": ...} or {"queueId": ...}, as requested')
    note: str | None = None
    requestedAt: str
    targetAgentId: str = Field(description="The agent consulted (holding a slot for it until confirm or cancel)")


class InteractionView(_View):
    """An interaction as agents, supervisors and admins see it."""

    interactionId: str
    channel: ChannelName
    direction: DirectionName
    status: StatusName
    queueId: str
    queueName: str
    skillId: str | None = None
    agentId: str | None = Field(default=None, description="The agent it is with (or offered to); null while queued")
    agentName: str | None = None
    contact: ContactView
    subject: str | None = None
    tags: list[str]
    notes: list[NoteView]
    disposition: DispositionView | None = None
    transfer: TransferView | None = None
    times: TimesView
    wrapUpDeadline: str | None = Field(default=None, description="While in wrap-up: when the system dispositions it")
    rating: RatingView | None = None
    onHold: bool = Field(default=False, description="The channel reported the customer on hold (voice)")
    heldSince: str | None = Field(default=None, description="While on hold: since when")
    holdSeconds: float = Field(
        default=0.0, ge=0, description="The holds that ended, added up (the running one counts from heldSince)"
    )
    dispositionSetId: str | None = Field(default=None, description="The queue's disposition set (null: none)")
    outcomes: dict[CategoryName, list[str]] | None = Field(
        default=None, description="The outcomes the disposition form offers, by category (from the queue's rules)"
    )
    version: int = Field(description="Grows by one on every change; apply a pushed interaction only if newer")


class CustomerInteractionView(_View):
    """An interaction as its customer sees it: the agent's name only, no notes, tags or disposition."""

    interactionId: str
    status: StatusName
    queueName: str
    agentName: str | None = None
    times: TimesView
    rating: RatingView | None = None
    version: int


def customer_view_of(interaction: InteractionView) -> CustomerInteractionView:
    """What the customer may see of an interaction."""
    answered = interaction.status not in ("queued", "offered")
    return CustomerInteractionView(
        interactionId=interaction.interactionId,
        status=interaction.status,
        queueName=interaction.queueName,
        agentName=interaction.agentName if answered else None,
        times=interaction.times,
        rating=interaction.rating,
        version=interaction.version,
    )


class MessageView(_View):
    messageId: str = Field(pattern=r"^msg_[0-9a-z]+$")
    interactionId: str
    seq: int = Field(ge=1, description="1, 2, 3... per conversation, without gaps: drop duplicates, keep order")
    from_: PartyName = Field(alias="from")
    authorId: str | None = None
    authorName: str
    text: str
    sentAt: str
    clientMessageId: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class InteractionSummary(_View):
    """A row of Most Recent Activity (and of the open list)."""

    interactionId: str
    channel: ChannelName
    direction: DirectionName
    status: StatusName
    contactName: str
    queueName: str
    startedAt: str
    endedAt: str | None = None
    disposition: DispositionView | None = None
    notes: str = Field(description="The notes' text, joined")
    tags: list[str]
    needsCompletion: bool = Field(description="The disposition is automatic or incomplete: offer to complete it")
    wrapUpDeadline: str | None = None


class Performance(_View):
    """The performance toolbar: today (the agent's site-local day), from counters written with each disposition."""

    date: str
    interactions: int
    successful: int
    unsure: int
    failed: int
    handleSeconds: float


class TeamInteractionRow(_View):
    """An open interaction of an agent in the supervisor's teams (the wallboard's conversations)."""

    interactionId: str
    channel: ChannelName
    direction: DirectionName
    status: StatusName
    queueId: str
    queueName: str
    agentId: str
    agentName: str | None = None
    contactName: str
    subject: str | None = None
    queuedAt: str
    answeredAt: str | None = Field(default=None, description="null: offered, not answered yet (still waiting)")
    endedAt: str | None = Field(default=None, description="Set in wrap-up: the conversation is over")
    onHold: bool
    heldSince: str | None = None
    version: int


class TeamInteraction(TeamInteractionRow):
    """An open interaction of an agent in the supervisor's teams, as listTeamInteractions lists it."""

    watching: bool = Field(description="You hear this conversation live (watchInteraction)")


HELD_STATUSES = frozenset(status.value for status in HELD)  # with an agent: what the wallboard's conversations list


def team_row(interaction: InteractionView) -> TeamInteractionRow | None:
    """The interaction as the wallboard's conversations show it; None when it is not with an agent (queued,
    closed, abandoned)."""
    if interaction.status not in HELD_STATUSES or interaction.agentId is None:
        return None
    return TeamInteractionRow(
        interactionId=interaction.interactionId,
        channel=interaction.channel,
        direction=interaction.direction,
        status=interaction.status,
        queueId=interaction.queueId,
        queueName=interaction.queueName,
        agentId=interaction.agentId,
        agentName=interaction.agentName,
        contactName=interaction.contact.name,
        subject=interaction.subject,
        queuedAt=interaction.times.queuedAt,
        answeredAt=interaction.times.answeredAt,
        endedAt=interaction.times.endedAt,
        onHold=interaction.onHold,
        heldSince=interaction.heldSince,
        version=interaction.version,
    )


class OfferView(_View):
    offerId: str
    expiresAt: str
    autoAnswer: bool


# --- agent actions -----------------------------------------------------------------------------------------


class Accept(ActionRequest):
    action: Literal["accept"]
    interactionId: InteractionId


class Reject(ActionRequest):
    action: Literal["reject"]
    interactionId: InteractionId
    reason: str | None = Field(default=None, max_length=200)


class SendMessage(ActionRequest):
    """Agents name the interaction; a customer's is the one of their token (named or not, it must match)."""

    action: Literal["sendMessage"]
    interactionId: InteractionId | None = None
    text: MessageText
    clientMessageId: ClientMessageId | None = Field(
        default=None, description="A resend with the same id is not sent twice"
    )


class Typing(ActionRequest):
    action: Literal["typing"]
    interactionId: InteractionId | None = None


class EndInteraction(ActionRequest):
    action: Literal["endInteraction"]
    interactionId: InteractionId


class SubmitDisposition(ActionRequest):
    action: Literal["submitDisposition"]
    interactionId: InteractionId
    category: CategoryName
    outcome: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    notes: str | None = Field(default=None, max_length=4000)
    tags: list[Tag] | None = Field(default=None, max_length=20)


class ListInteractions(ActionRequest):
    action: Literal["listInteractions"]
    scope: Literal["open", "recent"] = "open"
    limit: int = Field(default=50, ge=1, le=100, strict=True)
    cursor: str | None = Field(default=None, max_length=1024)


class GetInteraction(ActionRequest):
    action: Literal["getInteraction"]
    interactionId: InteractionId


class AddNote(ActionRequest):
    action: Literal["addNote"]
    interactionId: InteractionId
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class AddTag(ActionRequest):
    action: Literal["addTag"]
    interactionId: InteractionId
    tag: Tag


class RemoveTag(ActionRequest):
    action: Literal["removeTag"]
    interactionId: InteractionId
    tag: Tag


class UseCannedMessage(ActionRequest):
    action: Literal["useCannedMessage"]
    interactionId: InteractionId
    cannedMessageId: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    clientMessageId: ClientMessageId | None = None


class TransferToAgent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agentId: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class TransferToQueue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queueId: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Transfer(ActionRequest):
    action: Literal["transfer"]
    interactionId: InteractionId
    to: TransferToAgent | TransferToQueue
    mode: Literal["blind", "attended"] = Field(
        description="blind: handed over now; attended: the target is consulted until confirmTransfer or cancelTransfer"
    )
    note: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None, description="For the next agent; joins the interaction's notes when it is handed over"
    )


class ConfirmTransfer(ActionRequest):
    action: Literal["confirmTransfer"]
    interactionId: InteractionId


class CancelTransfer(ActionRequest):
    action: Literal["cancelTransfer"]
    interactionId: InteractionId


class ListTransferTargets(ActionRequest):
    action: Literal["listTransferTargets"]
    interactionId: InteractionId


class ListQueueStats(ActionRequest):
    action: Literal["listQueueStats"]


class ListTeamInteractions(ActionRequest):
    action: Literal["listTeamInteractions"]


class WatchInteraction(ActionRequest):
    action: Literal["watchInteraction"]
    interactionId: InteractionId


class UnwatchInteraction(ActionRequest):
    action: Literal["unwatchInteraction"]
    interactionId: InteractionId


class GetPerformance(ActionRequest):
    action: Literal["getPerformance"]


class SetAutoAnswer(ActionRequest):
    action: Literal["setAutoAnswer"]
    enabled: bool = Field(strict=True)


# --- customer actions --------------------------------------------------------------------------------------


class EndChat(ActionRequest):
    action: Literal["endChat"]
    interactionId: InteractionId | None = None


class Rate(ActionRequest):
    action: Literal["rate"]
    interactionId: InteractionId | None = None
    score: int = Field(ge=1, le=5, strict=True)
    comment: str | None = Field(default=None, max_length=1000)


class GetChat(ActionRequest):
    action: Literal["getChat"]
    interactionId: InteractionId | None = None


# --- acks --------------------------------------------------------------------------------------------------


class InteractionReply(BaseModel):
    interaction: InteractionView


class CustomerInteractionReply(BaseModel):
    interaction: CustomerInteractionView | InteractionView


class RejectReply(BaseModel):
    interactionId: str


class MessageReply(BaseModel):
    message: MessageView


class EmptyReply(BaseModel):
    pass


class InteractionListReply(BaseModel):
    items: list[InteractionSummary]
    nextCursor: str | None
    today: Performance | None = Field(default=None, description="The agent's performance today (scope recent)")


class ConversationReply(BaseModel):
    interaction: InteractionView
    messages: list[MessageView]
    contactHistory: list[InteractionSummary] = Field(
        default_factory=list, description="The contact's other interactions, newest first (at most 20)"
    )


class CustomerConversationReply(BaseModel):
    interaction: CustomerInteractionView
    messages: list[MessageView]


class TransferAgent(BaseModel):
    agentId: str
    name: str
    status: str = Field(description="The agent's status (Available, Away, Busy, Offline)")
    displayedStatus: str = Field(description="What a colleague sees: Busy when at capacity or on a call")
    activeInteractions: int
    capacity: int


class TransferQueue(BaseModel):
    queueId: str
    name: str
    waiting: int
    agentsRoutable: int


class TransferTargetsReply(BaseModel):
    agents: list[TransferAgent]
    queues: list[TransferQueue]


class QueueStat(BaseModel):
    queueId: str
    name: str
    waiting: int
    longestWaitSeconds: int
    agentsRoutable: int


class QueueStatsReply(BaseModel):
    queues: list[QueueStat]


class TeamInteractionsReply(BaseModel):
    items: list[TeamInteraction] = Field(
        description="Oldest first: the longest-running, at most 200 (a WebSocket message holds 128 KB)"
    )
    total: int = Field(ge=0, description="How many are open in all; more than the items when they were cut short")


class PerformanceReply(BaseModel):
    today: Performance


class AutoAnswerReply(BaseModel):
    autoAnswer: bool = Field(
        description="Whether offers are answered at once (the profile's setting decides when on/off)"
    )


# --- pushes ------------------------------------------------------------------------------------------------


class InteractionOffered(BaseModel):
    """An interaction is offered to the agent: accept or reject before `offer.expiresAt`, else it is re-routed.
    With `offer.autoAnswer` the agent is already connected (interaction.assigned follows)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["interaction.offered"]
    interaction: InteractionView
    offer: OfferView


class InteractionAssigned(BaseModel):
    """The interaction is with an agent (accepted or auto-answered): to that agent, and to the customer
    (who sees the agent's name only)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["interaction.assigned"]
    interaction: InteractionView | CustomerInteractionView


class InteractionMessage(BaseModel):
    """A message of the conversation, to everyone on it; `message.seq` orders them and drops duplicates."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["interaction.message"]
    interactionId: str
    message: MessageView


class InteractionTyping(BaseModel):
    """The other side is typing."""

    type: Literal["interaction.typing"]
    interactionId: str
    from_: Literal["agent", "customer"] = Field(alias="from")

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class InteractionUpdated(BaseModel):
    """The interaction changed (offer withdrawn or expired: back to queued; notes, tags, disposition, rating;
    the channel put the customer on hold or took them off it)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["interaction.updated"]
    interaction: InteractionView


class TeamInteractionPush(BaseModel):
    """An interaction of an agent in your teams changed (admins: of any agent): its row as listTeamInteractions
    lists it (without `watching`, which is yours to keep), or null when it is no longer open with an agent of
    your teams (closed, abandoned, back in a queue, transferred to an agent outside them). Pushes of one
    interaction may arrive out of order: keep the highest `version`."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["team.interaction"]
    interactionId: str
    version: int
    interaction: TeamInteractionRow | None


class InteractionEnded(BaseModel):
    """The conversation is over: to the agent (wrap-up follows when the queue has dispositions) and the customer."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["interaction.ended"]
    interaction: InteractionView | CustomerInteractionView


# --- HTTP: chat sessions ---------------------------------------------------------------------------------


class ChatSessionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ConfigName = Field(description="1-80 characters, at least one of them not a space; stored trimmed")
    email: Email | None = None
    queueId: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="The queue to join, one open to web chat (GET /api/chat/topics); default: the general queue",
    )
    topic: Annotated[Description, StringConstraints(max_length=200)] | None = Field(
        default=None, description="What the chat is about, shown to the agent as its subject"
    )


class ChatTopic(BaseModel):
    queueId: str = Field(description="Send it as the queueId of POST /api/chat/sessions")
    label: str = Field(description="What the customer picks: the queue's topicLabel, else its name")


class ChatTopics(BaseModel):
    topics: list[ChatTopic] = Field(description="The queues open to web chat; the general queue first, if open")


class ChatSession(BaseModel):
    interactionId: str
    contactId: str
    token: str = Field(description="The customer token: connect with `websocketUrl?token=...`")
    expiresAt: str
    websocketUrl: str | None = Field(description="The WebSocket API's URL; null when not configured")
    queueName: str


# --- HTTP: other channels (ingress) ----------------------------------------------------------------------

ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[!-~]+$")]
ContactName = ConfigName  # the config API's name rules: a name says something, and is stored trimmed


class IngressContact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ContactName = Field(description="1-80 characters, at least one of them not a space; stored trimmed")
    email: Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    phone: Annotated[str, StringConstraints(min_length=3, max_length=32, pattern=r"^\+?[0-9][0-9 ().-]*$")] | None = (
        Field(default=None, description="The number as the system knows it, preferably E.164 (+441632960123)")
    )


class IngressInteractionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Literal["voice", "email", "task"] = Field(description="Chats open through POST /api/chat/sessions")
    queueId: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    skillId: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="A skill the work needs (a known skill): routed to the agents of the queue holding it, higher "
        "proficiency first; none: the queue's required skill, if any",
    )
    externalId: ExternalId = Field(
        description="The system's own id of this work (printable ASCII, no spaces), unique per integration: "
        "sending it again answers the interaction it created (200) instead of creating another"
    )
    contact: IngressContact
    subject: Annotated[str, StringConstraints(max_length=200)] | None = None
    direction: DirectionName = "inbound"
    agentId: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None,
        description="Outbound only: the agent who places it, who gets it at once (they must be Available "
        "with room for it); without it an outbound interaction is routed like an inbound one",
    )


class IngressInteraction(BaseModel):
    """An interaction as the system that created it sees it."""

    model_config = ConfigDict(extra="forbid")

    interactionId: str
    externalId: str
    channel: ChannelName
    direction: DirectionName
    status: StatusName
    queueId: str
    queueName: str
    skillId: str | None = None
    agentId: str | None = Field(default=None, description="The agent it is offered to or with")
    contactId: str
    onHold: bool = Field(description="Between a held and a resumed update")
    version: int


def ingress_view_of(interaction: InteractionView, external_id: str) -> IngressInteraction:
    """What the system that created an interaction sees of it."""
    return IngressInteraction(
        interactionId=interaction.interactionId,
        externalId=external_id,
        channel=interaction.channel,
        direction=interaction.direction,
        status=interaction.status,
        queueId=interaction.queueId,
        queueName=interaction.queueName,
        skillId=interaction.skillId,
        agentId=interaction.agentId,
        contactId=interaction.contact.contactId,
        onHold=interaction.onHold,
        version=interaction.version,
    )


class IngressUpdateInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["ringing", "answered", "held", "resumed", "ended"] = Field(
        description="ringing, held and resumed are recorded as events; answered connects the agent the "
        "interaction is offered to; ended ends it as endInteraction does (wrap-up), or abandons it when no "
        "agent answered yet"
    )
    at: AwareDatetime | None = Field(
        default=None, description="When it happened at the source (ISO 8601 with offset); recorded on the event"
    )


class IngressUpdateResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["ringing", "answered", "held", "resumed", "ended"]
    changed: bool = Field(description="false: the interaction was so already (a repeated update); no event")
    interaction: IngressInteraction
