"""The interaction aggregate and what it holds: contact, notes, offer, disposition, times, rating; and a
conversation's messages. Plain frozen data with its serialised form; the rules live in `lifecycle`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    QUEUED = "queued"
    OFFERED = "offered"
    ACTIVE = "active"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"
    ABANDONED = "abandoned"


# The conversation is still going: the customer may write, the customer may leave.
LIVE = frozenset({Status.QUEUED, Status.OFFERED, Status.ACTIVE})
# Nothing more happens to it (but a rating, and the completion of an automatic disposition).
FINISHED = frozenset({Status.CLOSED, Status.ABANDONED})
# With an agent: offered to them, connected, or in their wrap-up.
HELD = frozenset({Status.OFFERED, Status.ACTIVE, Status.WRAP_UP})


class Channel(StrEnum):
    CHAT = "chat"
    VOICE = "voice"
    EMAIL = "email"
    TASK = "task"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Party(StrEnum):
    """Who wrote a message or ended an interaction."""

    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


class Category(StrEnum):
    SUCCESS = "Success"
    UNSURE = "Unsure"
    FAIL = "Fail"


class Source(StrEnum):
    """Who wrote the disposition: the agent, or the system when the wrap-up timed out."""

    AGENT = "agent"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class Contact:
    contact_id: str
    name: str
    email: str | None = None
    phone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"contactId": self.contact_id, "name": self.name, "email": self.email, "phone": self.phone}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Contact:
        return cls(str(data["contactId"]), str(data["name"]), _opt(data.get("email")), _opt(data.get("phone")))


@dataclass(frozen=True)
class Note:
    note_id: str
    text: str
    author_id: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {"noteId": self.note_id, "text": self.text, "authorId": self.author_id, "at": self.at}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Note:
        return cls(str(data["noteId"]), str(data["text"]), str(data["authorId"]), str(data["at"]))


@dataclass(frozen=True)
class Offer:
    """An offer to one agent, holding one of the agent's capacity slots until accepted, rejected or expired."""

    offer_id: str
    agent_id: str
    offered_at: str
    expires_at: str
    auto_answer: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "offerId": self.offer_id,
            "agentId": self.agent_id,
            "offeredAt": self.offered_at,
            "expiresAt": self.expires_at,
            "autoAnswer": self.auto_answer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Offer:
        return cls(
            str(data["offerId"]),
            str(data["agentId"]),
            str(data["offeredAt"]),
            str(data["expiresAt"]),
            bool(data.get("autoAnswer", False)),
        )


class TransferMode(StrEnum):
    BLIND = "blind"
    ATTENDED = "attended"


@dataclass(frozen=True)
class Transfer:
    """An attended transfer waiting for the agent on it to confirm or cancel: `target_agent_id` (the agent
    named, or the one a queue's transfer reached) holds one of their slots meanwhile. `to_kind` is `agent`
    or `queue`, `to_id` the one named."""

    mode: TransferMode
    to_kind: str
    to_id: str
    from_agent_id: str
    target_agent_id: str
    requested_at: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "toKind": self.to_kind,
            "toId": self.to_id,
            "fromAgentId": self.from_agent_id,
            "targetAgentId": self.target_agent_id,
            "requestedAt": self.requested_at,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Transfer:
        return cls(
            TransferMode(str(data["mode"])),
            str(data["toKind"]),
            str(data["toId"]),
            str(data["fromAgentId"]),
            str(data["targetAgentId"]),
            str(data["requestedAt"]),
            _opt(data.get("note")),
        )


@dataclass(frozen=True)
class Disposition:
    category: Category
    outcome: str
    notes: str | None
    source: Source
    complete: bool
    submitted_at: str
    submitted_by: str
    counted_on: str | None = None  # the agent's site-local day its performance counters were written for
    counted_as: Category | None = None  # the category those counters hold (an automatic one: Unsure)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category.value,
            "outcome": self.outcome,
            "notes": self.notes,
            "source": self.source.value,
            "complete": self.complete,
            "submittedAt": self.submitted_at,
            "submittedBy": self.submitted_by,
            "countedOn": self.counted_on,
            "countedAs": self.counted_as.value if self.counted_as else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Disposition:
        counted_as = data.get("countedAs")
        return cls(
            category=Category(str(data["category"])),
            outcome=str(data["outcome"]),
            notes=_opt(data.get("notes")),
            source=Source(str(data["source"])),
            complete=bool(data["complete"]),
            submitted_at=str(data["submittedAt"]),
            submitted_by=str(data["submittedBy"]),
            counted_on=_opt(data.get("countedOn")),
            counted_as=Category(str(counted_as)) if counted_as else None,
        )


@dataclass(frozen=True)
class Times:
    """When each step happened: reports compute wait, first response and handle times from them."""

    queued_at: str
    offered_at: str | None = None
    answered_at: str | None = None
    first_agent_reply_at: str | None = None
    ended_at: str | None = None
    wrap_up_ended_at: str | None = None
    transferred_at: str | None = None  # the last hand-over to another agent or queue

    def to_dict(self) -> dict[str, Any]:
        return {
            "queuedAt": self.queued_at,
            "offeredAt": self.offered_at,
            "answeredAt": self.answered_at,
            "firstAgentReplyAt": self.first_agent_reply_at,
            "endedAt": self.ended_at,
            "wrapUpEndedAt": self.wrap_up_ended_at,
            "transferredAt": self.transferred_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Times:
        return cls(
            str(data["queuedAt"]),
            _opt(data.get("offeredAt")),
            _opt(data.get("answeredAt")),
            _opt(data.get("firstAgentReplyAt")),
            _opt(data.get("endedAt")),
            _opt(data.get("wrapUpEndedAt")),
            _opt(data.get("transferredAt")),
        )


@dataclass(frozen=True)
class Rating:
    score: int
    comment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "comment": self.comment}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rating:
        return cls(int(data["score"]), _opt(data.get("comment")))


@dataclass(frozen=True)
class Message:
    """One message of a conversation; `seq` numbers a conversation's messages 1, 2, 3... without gaps."""

    message_id: str
    interaction_id: str
    seq: int
    sender: Party
    author_id: str | None
    author_name: str
    text: str
    sent_at: str
    client_message_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "messageId": self.message_id,
            "interactionId": self.interaction_id,
            "seq": self.seq,
            "from": self.sender.value,
            "authorId": self.author_id,
            "authorName": self.author_name,
            "text": self.text,
            "sentAt": self.sent_at,
            "clientMessageId": self.client_message_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(
            message_id=str(data["messageId"]),
            interaction_id=str(data["interactionId"]),
            seq=int(data["seq"]),
            sender=Party(str(data["from"])),
            author_id=_opt(data.get("authorId")),
            author_name=str(data["authorName"]),
            text=str(data["text"]),
            sent_at=str(data["sentAt"]),
            client_message_id=_opt(data.get("clientMessageId")),
        )


# How many recent client message ids an interaction remembers per sender (a client resends only its last few).
REMEMBERED_CLIENT_IDS = 50


@dataclass(frozen=True)
class Interaction:
    """One piece of work. `version` grows by one on every change (the store's optimistic lock); `last_seq`
    is the seq of the conversation's last message; `declined_by` lists the agents who rejected or let an
    offer expire (routed to last); `client_ids` maps recent (sender, clientMessageId) to the seq sent."""

    interaction_id: str
    channel: Channel
    direction: Direction
    status: Status
    queue_id: str
    queue_name: str
    skill_id: str | None
    contact: Contact
    times: Times
    dispositions_enabled: bool = True
    version: int = 1
    agent_id: str | None = None
    agent_name: str | None = None
    subject: str | None = None
    tags: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    disposition: Disposition | None = None
    offer: Offer | None = None
    wrap_up_deadline: str | None = None
    rating: Rating | None = None
    last_seq: int = 0
    declined_by: tuple[str, ...] = ()
    client_ids: tuple[tuple[str, str, int], ...] = ()
    ended_by: Party | None = None
    end_reason: str | None = None
    updated_at: str = ""
    transfer: Transfer | None = None
    watchers: tuple[str, ...] = ()  # supervisors hearing the conversation live
    held_since: str | None = None  # the customer is on hold (a channel's held update) since then
    hold_seconds: float = 0.0  # the holds that ended, added up

    @property
    def on_hold(self) -> bool:
        return self.held_since is not None

    def __post_init__(self) -> None:
        problem = invariant_problem(self)
        if problem:
            raise ValueError(f"Inconsistent interaction {self.interaction_id!r}: {problem}")

    @property
    def needs_completion(self) -> bool:
        """Shown as "complete later" in Most Recent Activity: the disposition is automatic or incomplete."""
        return self.disposition is not None and not self.disposition.complete

    def to_dict(self) -> dict[str, Any]:
        return {
            "interactionId": self.interaction_id,
            "channel": self.channel.value,
            "direction": self.direction.value,
            "status": self.status.value,
            "queueId": self.queue_id,
            "queueName": self.queue_name,
            "skillId": self.skill_id,
            "contact": self.contact.to_dict(),
            "times": self.times.to_dict(),
            "dispositionsEnabled": self.dispositions_enabled,
            "version": self.version,
            "agentId": self.agent_id,
            "agentName": self.agent_name,
            "subject": self.subject,
            "tags": list(self.tags),
            "notes": [n.to_dict() for n in self.notes],
            "disposition": self.disposition.to_dict() if self.disposition else None,
            "offer": self.offer.to_dict() if self.offer else None,
            "wrapUpDeadline": self.wrap_up_deadline,
            "rating": self.rating.to_dict() if self.rating else None,
            "lastSeq": self.last_seq,
            "declinedBy": list(self.declined_by),
            "clientIds": [list(c) for c in self.client_ids],
            "endedBy": self.ended_by.value if self.ended_by else None,
            "endReason": self.end_reason,
            "updatedAt": self.updated_at,
            "transfer": self.transfer.to_dict() if self.transfer else None,
            "watchers": list(self.watchers),
            "heldSince": self.held_since,
            "holdSeconds": self.hold_seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interaction:
        return cls(
            interaction_id=str(data["interactionId"]),
            channel=Channel(str(data["channel"])),
            direction=Direction(str(data["direction"])),
            status=Status(str(data["status"])),
            queue_id=str(data["queueId"]),
            queue_name=str(data["queueName"]),
            skill_id=_opt(data.get("skillId")),
            contact=Contact.from_dict(data["contact"]),
            times=Times.from_dict(data["times"]),
            dispositions_enabled=bool(data.get("dispositionsEnabled", True)),
            version=int(data["version"]),
            agent_id=_opt(data.get("agentId")),
            agent_name=_opt(data.get("agentName")),
            subject=_opt(data.get("subject")),
            tags=tuple(str(t) for t in data.get("tags") or ()),
            notes=tuple(Note.from_dict(n) for n in data.get("notes") or ()),
            disposition=Disposition.from_dict(data["disposition"]) if data.get("disposition") else None,
            offer=Offer.from_dict(data["offer"]) if data.get("offer") else None,
            wrap_up_deadline=_opt(data.get("wrapUpDeadline")),
            rating=Rating.from_dict(data["rating"]) if data.get("rating") else None,
            last_seq=int(data.get("lastSeq", 0)),
            declined_by=tuple(str(a) for a in data.get("declinedBy") or ()),
            client_ids=tuple((str(c[0]), str(c[1]), int(c[2])) for c in data.get("clientIds") or ()),
            ended_by=Party(str(data["endedBy"])) if data.get("endedBy") else None,
            end_reason=_opt(data.get("endReason")),
            updated_at=str(data.get("updatedAt") or data["times"]["queuedAt"]),
            transfer=Transfer.from_dict(data["transfer"]) if data.get("transfer") else None,
            watchers=tuple(str(w) for w in data.get("watchers") or ()),
            held_since=_opt(data.get("heldSince")),
            hold_seconds=float(data.get("holdSeconds") or 0.0),
        )


def invariant_problem(interaction: Interaction) -> str | None:
    """What is wrong with an interaction's state, or None: the rules every stored interaction keeps."""
    status = interaction.status
    with_agent = status in (Status.ACTIVE, Status.WRAP_UP) or (
        status is Status.CLOSED and interaction.times.answered_at is not None
    )
    checks = (
        (interaction.version >= 1, "the version starts at 1"),
        (interaction.last_seq >= 0, "the message count is negative"),
        ((status is Status.OFFERED) == (interaction.offer is not None), "an offer is open exactly while offered"),
        (
            interaction.offer is None or interaction.offer.agent_id == interaction.agent_id,
            "an offered interaction is with the offer's agent",
        ),
        (not with_agent or interaction.agent_id is not None, "an answered interaction has an agent"),
        (status is not Status.QUEUED or interaction.agent_id is None, "a queued interaction has no agent"),
        (
            interaction.disposition is None or status in (Status.CLOSED, Status.WRAP_UP),
            "only an ended interaction has a disposition",
        ),
        (
            status is not Status.WRAP_UP or interaction.disposition is None,
            "a disposition closes the wrap-up",
        ),
        ((status is Status.WRAP_UP) == (interaction.wrap_up_deadline is not None), "a wrap-up has its deadline"),
        (status in LIVE or interaction.times.ended_at is not None, "an ended interaction has its end time"),
        (interaction.transfer is None or status is Status.ACTIVE, "a transfer waits only on an active interaction"),
        (
            interaction.transfer is None or interaction.transfer.target_agent_id != interaction.agent_id,
            "a transfer goes to another agent",
        ),
        (interaction.held_since is None or status is Status.ACTIVE, "only an answered, live interaction is on hold"),
        (interaction.hold_seconds >= 0, "the hold time is negative"),
    )
    return next((problem for ok, problem in checks if not ok), None)


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)
