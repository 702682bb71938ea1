"""The interactions context's events: one per step of an interaction's life, each carrying the interaction
after the change (`data.interaction`) and its own fields. `agentId` is the agent the interaction is with
(null while queued); the stream's partition key falls back to the interaction id, so one interaction's
events stay in order."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from agentdesk.interactions.contracts import InteractionView, MessageView, NoteView, OfferView
from agentdesk.kernel.events import DomainEvent


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InteractionData(_Payload):
    interaction: InteractionView = Field(description="The interaction after the change")


class OfferedData(InteractionData):
    offer: OfferView


class OfferClosedData(InteractionData):
    agentId: str = Field(description="The agent the offer was made to")
    offerId: str
    reason: str | None = None


class AssignedData(InteractionData):
    agentId: str
    autoAnswered: bool


class MessageData(InteractionData):
    message: MessageView


class NoteAddedData(InteractionData):
    note: NoteView


class TagsChangedData(InteractionData):
    added: list[str]
    removed: list[str]


class EndedData(InteractionData):
    endedBy: Literal["agent", "customer", "system"]
    reason: str | None = None


class DispositionData(InteractionData):
    source: Literal["agent", "timeout"]
    complete: bool


class TransferData(InteractionData):
    mode: Literal["blind", "attended"]
    fromAgentId: str = Field(description="The agent who had it and asked for the transfer")
    to: dict[str, str] = Field(description='{"agentId": ...} or {"queueId": ...}, as requested')
    targetAgentId: str | None = Field(default=None, description="The agent it went (or is going) to; null: a queue")
    note: str | None = None


class RatedData(InteractionData):
    score: int = Field(ge=1, le=5)
    comment: str | None = None


DataT = TypeVar("DataT", bound=InteractionData)


class InteractionEvent(DomainEvent[DataT], Generic[DataT]):
    """An event of an interaction; its stream partition key is its agent, else the interaction."""

    @property
    def partition_key(self) -> str:
        return self.agentId or self.data.interaction.interactionId


class InteractionQueued(InteractionEvent[InteractionData]):
    """A new interaction waits in its queue (routing follows at once)."""

    type: Literal["interaction.queued"]


class InteractionOffered(InteractionEvent[OfferedData]):
    """The interaction is offered to an agent, holding one of the agent's slots."""

    type: Literal["interaction.offered"]


class InteractionOfferRejected(InteractionEvent[OfferClosedData]):
    """The agent rejected the offer; the interaction is queued again."""

    type: Literal["interaction.offer.rejected"]


class InteractionOfferExpired(InteractionEvent[OfferClosedData]):
    """Nobody answered the offer in time; the interaction is queued again."""

    type: Literal["interaction.offer.expired"]


class InteractionAssigned(InteractionEvent[AssignedData]):
    """The interaction is with an agent: the offer was accepted, or auto-answered."""

    type: Literal["interaction.assigned"]


class InteractionMessageSent(InteractionEvent[MessageData]):
    """A message of the conversation (delivered by the handler that stored it; never pushed from here)."""

    type: Literal["interaction.message"]


class InteractionNoteAdded(InteractionEvent[NoteAddedData]):
    type: Literal["interaction.note.added"]


class InteractionTagsChanged(InteractionEvent[TagsChangedData]):
    type: Literal["interaction.tags.changed"]


class InteractionEnded(InteractionEvent[EndedData]):
    """The conversation is over; the agent is in wrap-up unless the queue has dispositions off."""

    type: Literal["interaction.ended"]


class InteractionAbandoned(InteractionEvent[EndedData]):
    """The customer left before an agent answered."""

    type: Literal["interaction.abandoned"]


class InteractionDispositionSubmitted(InteractionEvent[DispositionData]):
    """The disposition was written: by the agent, or by the system when wrap-up ran out (incomplete)."""

    type: Literal["interaction.disposition.submitted"]


class InteractionDispositionCompleted(InteractionEvent[DispositionData]):
    """The agent completed an automatic or incomplete disposition later."""

    type: Literal["interaction.disposition.completed"]


class InteractionClosed(InteractionEvent[InteractionData]):
    """Nothing more is done with the interaction (wrap-up over, or ended in a queue without dispositions)."""

    type: Literal["interaction.closed"]


class InteractionTransferRequested(InteractionEvent[TransferData]):
    """An attended transfer: the target agent is consulted (holding a slot) while the agent stays on it."""

    type: Literal["interaction.transfer.requested"]


class InteractionTransferred(InteractionEvent[TransferData]):
    """The interaction left `fromAgentId`: to another agent (offered or with them) or into a queue."""

    type: Literal["interaction.transferred"]


class InteractionTransferCancelled(InteractionEvent[TransferData]):
    """The agent withdrew an attended transfer; the target's slot is free again."""

    type: Literal["interaction.transfer.cancelled"]


class InteractionRated(InteractionEvent[RatedData]):
    """The customer rated the chat (CSAT 1-5)."""

    type: Literal["interaction.rated"]


INTERACTION_EVENTS = (
    InteractionQueued,
    InteractionOffered,
    InteractionOfferRejected,
    InteractionOfferExpired,
    InteractionAssigned,
    InteractionMessageSent,
    InteractionNoteAdded,
    InteractionTagsChanged,
    InteractionTransferRequested,
    InteractionTransferred,
    InteractionTransferCancelled,
    InteractionEnded,
    InteractionAbandoned,
    InteractionDispositionSubmitted,
    InteractionDispositionCompleted,
    InteractionClosed,
    InteractionRated,
)


# --- other channels (ingress): what an outside system reports that changes no status ----------------------


class ChannelUpdateData(InteractionData):
    integrationId: str = Field(description="The integration that reported it")
    at: str | None = Field(default=None, description="When it happened at the source, as reported (ISO 8601)")


class InteractionRinging(InteractionEvent[ChannelUpdateData]):
    """The outside system reports the call ringing (at the agent's phone, or the customer's, outbound)."""

    type: Literal["interaction.ringing"]


class InteractionHeld(InteractionEvent[ChannelUpdateData]):
    """The outside system put the customer on hold."""

    type: Literal["interaction.held"]


class InteractionResumed(InteractionEvent[ChannelUpdateData]):
    """The outside system took the customer off hold."""

    type: Literal["interaction.resumed"]


CHANNEL_EVENTS = (InteractionRinging, InteractionHeld, InteractionResumed)
