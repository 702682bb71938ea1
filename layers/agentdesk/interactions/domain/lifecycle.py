"""The lifecycle of an interaction as pure transitions `(interaction, ..., now) -> interaction`:
queued → offered → active → wrap_up → closed, back to queued when an offer is rejected or expires, and
abandoned when the customer leaves before an agent answered. A refusal raises `AgentDeskError` and changes
nothing. Every change bumps the version by one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from agentdesk.interactions.domain.model import (
    LIVE,
    REMEMBERED_CLIENT_IDS,
    Category,
    Channel,
    Contact,
    Direction,
    Disposition,
    Interaction,
    Message,
    Note,
    Offer,
    Party,
    Rating,
    Source,
    Status,
    Times,
    Transfer,
    TransferMode,
)
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.timestamps import iso

NO_AGENT_SUBMISSION = "No agent submission"
MAX_TEXT = 4000
MAX_NOTE = 2000
MAX_TAGS = 20


def moment(now: datetime) -> datetime:
    """`now` in UTC to the millisecond (the precision of stored times)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    at = now.astimezone(UTC)
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def _stamp(interaction: Interaction | None, now: datetime) -> str:
    """The time of a change: now, but never before the interaction's last change (clocks disagree)."""
    at = iso(moment(now))
    if interaction is not None and interaction.updated_at > at:
        return interaction.updated_at
    return at


def _next(interaction: Interaction, at: str, **changes: object) -> Interaction:
    return replace(interaction, version=interaction.version + 1, updated_at=at, **changes)  # type: ignore[arg-type]


def _refuse(message: str, field: str | None = "interactionId") -> AgentDeskError:
    return AgentDeskError(ErrorCode.INVALID_TRANSITION, message, field)


# --- arrival ---------------------------------------------------------------------------------------------


def open_interaction(
    *,
    interaction_id: str,
    queue_id: str,
    queue_name: str,
    skill_id: str | None,
    contact: Contact,
    now: datetime,
    dispositions_enabled: bool = True,
    channel: Channel = Channel.CHAT,
    direction: Direction = Direction.INBOUND,
    subject: str | None = None,
) -> Interaction:
    """A new interaction, waiting in its queue (version 1)."""
    if not interaction_id.strip() or not queue_id.strip():
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "An interaction needs an id and a queue.", "queueId")
    at = _stamp(None, now)
    return Interaction(
        interaction_id=interaction_id,
        channel=channel,
        direction=direction,
        status=Status.QUEUED,
        queue_id=queue_id,
        queue_name=queue_name,
        skill_id=skill_id,
        contact=contact,
        times=Times(queued_at=at),
        dispositions_enabled=dispositions_enabled,
        subject=subject,
        updated_at=at,
    )


# --- offers ----------------------------------------------------------------------------------------------


def offer(
    interaction: Interaction,
    *,
    agent_id: str,
    agent_name: str,
    offer_id: str,
    timeout_seconds: int,
    now: datetime,
    auto_answer: bool = False,
) -> Interaction:
    """Offer a queued interaction to an agent (who has a free slot: the agents context checks). With
    auto-answer the agent is connected at once (active), without an offer to accept."""
    if interaction.status is not Status.QUEUED:
        raise _refuse(f"Interaction {interaction.interaction_id} is {interaction.status.value}, not queued.")
    if timeout_seconds < 1:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "An offer lasts at least a second.", "offerTimeoutSeconds")
    at = _stamp(interaction, now)
    times = replace(interaction.times, offered_at=at)
    if auto_answer:
        return _next(
            interaction,
            at,
            status=Status.ACTIVE,
            agent_id=agent_id,
            agent_name=agent_name,
            times=replace(times, answered_at=at),
        )
    expires = iso(datetime.fromisoformat(at) + timedelta(seconds=timeout_seconds))
    return _next(
        interaction,
        at,
        status=Status.OFFERED,
        agent_id=agent_id,
        agent_name=agent_name,
        offer=Offer(offer_id, agent_id, at, expires, auto_answer=False),
        times=times,
    )


def _open_offer(interaction: Interaction, agent_id: str) -> Offer:
    current = interaction.offer
    if interaction.status is not Status.OFFERED or current is None:
        raise _refuse(f"Interaction {interaction.interaction_id} has no open offer (it is {interaction.status.value}).")
    if current.agent_id != agent_id:
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"Interaction {interaction.interaction_id} is not offered to you.", "interactionId"
        )
    return current


def accept(interaction: Interaction, *, agent_id: str, now: datetime) -> Interaction:
    """The agent takes the offer: the interaction is active with them."""
    _open_offer(interaction, agent_id)
    at = _stamp(interaction, now)
    return _next(interaction, at, status=Status.ACTIVE, offer=None, times=replace(interaction.times, answered_at=at))


def reject(interaction: Interaction, *, agent_id: str, now: datetime) -> Interaction:
    """The agent declines the offer: back to the queue, the agent routed to last for it."""
    _open_offer(interaction, agent_id)
    return _back_to_queue(interaction, agent_id, _stamp(interaction, now))


def expire_offer(interaction: Interaction, *, offer_id: str, now: datetime) -> Interaction | None:
    """The offer's time ran out: back to the queue. None when that offer is no longer open (accepted,
    rejected, withdrawn): nothing to do."""
    current = interaction.offer
    if interaction.status is not Status.OFFERED or current is None or current.offer_id != offer_id:
        return None
    return _back_to_queue(interaction, current.agent_id, _stamp(interaction, now))


def _back_to_queue(interaction: Interaction, agent_id: str, at: str, **changes: object) -> Interaction:
    """Queued again, with the place it had (its `queuedAt`), no agent and no offer; `agent_id`, who had it,
    is routed to last for it (the 20 who declined last are remembered)."""
    declined = (*[a for a in interaction.declined_by if a != agent_id], agent_id)[-20:]
    return _next(
        interaction,
        at,
        **{
            "status": Status.QUEUED,
            "agent_id": None,
            "agent_name": None,
            "offer": None,
            "declined_by": declined,
            "times": replace(interaction.times, offered_at=None),
            **changes,
        },
    )


# --- the conversation ------------------------------------------------------------------------------------


def check_text(text: str, field: str = "text", limit: int = MAX_TEXT) -> str:
    """The text if it has something to say and fits, else BAD_REQUEST."""
    if not isinstance(text, str) or not text.strip():
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"{field}: write something.", field)
    if len(text) > limit:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"{field}: at most {limit} characters; got {len(text)}.", field)
    return text


def sent_before(interaction: Interaction, sender: Party, client_message_id: str | None) -> int | None:
    """The seq of a message this sender already sent with this client id (a resend), if any."""
    if client_message_id is None:
        return None
    return next((seq for who, cid, seq in interaction.client_ids if who == sender and cid == client_message_id), None)


def send_message(
    interaction: Interaction,
    *,
    sender: Party,
    author_id: str | None,
    author_name: str,
    text: str,
    message_id: str,
    now: datetime,
    client_message_id: str | None = None,
) -> tuple[Interaction, Message]:
    """A message in the conversation, numbered next. The customer writes while the chat is live (queued,
    offered or active); the agent on it while it is active."""
    body = check_text(text)
    if sender is Party.CUSTOMER and interaction.status not in LIVE:
        raise _refuse(f"The chat has ended ({interaction.status.value}).")
    if sender is Party.AGENT:
        if interaction.agent_id != author_id:
            raise AgentDeskError(
                ErrorCode.NOT_FOUND, f"Interaction {interaction.interaction_id} is not yours.", "interactionId"
            )
        if interaction.status is not Status.ACTIVE:
            raise _refuse(f"Interaction {interaction.interaction_id} is {interaction.status.value}, not active.")
    at = _stamp(interaction, now)
    seq = interaction.last_seq + 1
    message = Message(
        message_id, interaction.interaction_id, seq, sender, author_id, author_name, body, at, client_message_id
    )
    times = interaction.times
    if sender is Party.AGENT and times.first_agent_reply_at is None:
        times = replace(times, first_agent_reply_at=at)
    client_ids = interaction.client_ids
    if client_message_id is not None:
        client_ids = (*client_ids, (sender.value, client_message_id, seq))[-REMEMBERED_CLIENT_IDS:]
    return _next(interaction, at, last_seq=seq, times=times, client_ids=client_ids), message


def add_note(interaction: Interaction, *, agent_id: str, note_id: str, text: str, now: datetime) -> Interaction:
    """A note of the agent on it (during the conversation or the wrap-up); the disposition form starts with them."""
    _own(interaction, agent_id, (Status.ACTIVE, Status.WRAP_UP))
    body = check_text(text, limit=MAX_NOTE)
    at = _stamp(interaction, now)
    return _next(interaction, at, notes=(*interaction.notes, Note(note_id, body, agent_id, at)))


def set_tag(interaction: Interaction, *, agent_id: str, tag: str, present: bool, now: datetime) -> Interaction:
    """Add (`present`) or remove a tag; None-changes return the interaction as it is."""
    _own(interaction, agent_id, (Status.ACTIVE, Status.WRAP_UP))
    label = tag.strip()
    if present == (label in interaction.tags):
        return interaction
    if present and len(interaction.tags) >= MAX_TAGS:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"An interaction has at most {MAX_TAGS} tags.", "tag")
    tags = (*interaction.tags, label) if present else tuple(t for t in interaction.tags if t != label)
    return _next(interaction, _stamp(interaction, now), tags=tags)


def _own(interaction: Interaction, agent_id: str, statuses: Sequence[Status]) -> None:
    if interaction.agent_id != agent_id or interaction.status in (Status.QUEUED, Status.OFFERED):
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"Interaction {interaction.interaction_id} is not yours.", "interactionId"
        )
    if interaction.status not in statuses:
        raise _refuse(f"Interaction {interaction.interaction_id} is {interaction.status.value}.")


# --- the end ---------------------------------------------------------------------------------------------


def end(
    interaction: Interaction,
    *,
    by: Party,
    now: datetime,
    wrap_up_seconds: int,
    agent_id: str | None = None,
    reason: str | None = None,
) -> Interaction:
    """The conversation is over. Answered: into wrap-up (`wrap_up_seconds` to disposition) when the queue
    has dispositions on, else closed at once. Not answered yet (the customer left, or the system withdrew
    it): abandoned. An agent ends only their own active interaction."""
    if by is Party.AGENT:
        _own(interaction, agent_id or "", (Status.ACTIVE,))
    if interaction.status not in LIVE:
        raise _refuse(f"Interaction {interaction.interaction_id} has already ended ({interaction.status.value}).")
    at = _stamp(interaction, now)
    common: dict[str, object] = {
        "ended_by": by,
        "end_reason": reason,
        "times": replace(interaction.times, ended_at=at),
        "transfer": None,
        **_off_hold(interaction, at),
    }
    if interaction.status is not Status.ACTIVE:
        return _next(interaction, at, status=Status.ABANDONED, offer=None, **common)
    if interaction.dispositions_enabled:
        deadline = iso(datetime.fromisoformat(at) + timedelta(seconds=max(1, wrap_up_seconds)))
        return _next(interaction, at, status=Status.WRAP_UP, wrap_up_deadline=deadline, **common)
    common["times"] = replace(interaction.times, ended_at=at, wrap_up_ended_at=at)
    return _next(interaction, at, status=Status.CLOSED, **common)


# --- hold (reported by the channel) ---------------------------------------------------------------------


def _held_for(interaction: Interaction, at: str) -> float:
    """Seconds of the hold running at `at` (0 when not on hold)."""
    if interaction.held_since is None:
        return 0.0
    delta = datetime.fromisoformat(at) - datetime.fromisoformat(interaction.held_since)
    return max(0.0, delta.total_seconds())


def _off_hold(interaction: Interaction, at: str) -> dict[str, object]:
    """The changes that end a running hold at `at`: its seconds join the total."""
    if interaction.held_since is None:
        return {}
    return {"held_since": None, "hold_seconds": round(interaction.hold_seconds + _held_for(interaction, at), 3)}


def hold(interaction: Interaction, *, now: datetime) -> Interaction:
    """The customer is put on hold (only an answered, live interaction); unchanged when on hold already."""
    if interaction.status is not Status.ACTIVE:
        raise _refuse(f"Only an answered interaction is put on hold (it is {interaction.status.value}).", "type")
    if interaction.held_since is not None:
        return interaction
    at = _stamp(interaction, now)
    return _next(interaction, at, held_since=at)


def resume(interaction: Interaction, *, now: datetime) -> Interaction:
    """The customer is taken off hold: the hold's seconds join the total; unchanged when not on hold."""
    if interaction.status is not Status.ACTIVE:
        raise _refuse(f"Only an answered interaction is resumed (it is {interaction.status.value}).", "type")
    if interaction.held_since is None:
        return interaction
    at = _stamp(interaction, now)
    return _next(interaction, at, **_off_hold(interaction, at))


def hold_seconds(interaction: Interaction, at: str) -> float:
    """All the time on hold up to `at`: the holds that ended and the one running."""
    return round(interaction.hold_seconds + _held_for(interaction, at), 3)


# --- dispositions ----------------------------------------------------------------------------------------


def check_outcome(category: str, outcome: str, outcomes: Mapping[str, Sequence[str]]) -> tuple[Category, str]:
    """The category and outcome if the queue's disposition set offers them (an empty set takes any outcome)."""
    try:
        chosen = Category(category)
    except ValueError:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "category: one of Success, Unsure, Fail.", "category") from None
    label = check_text(outcome, "outcome", 80).strip()
    allowed = outcomes.get(chosen.value)
    if allowed and label not in allowed:
        raise AgentDeskError(
            ErrorCode.BAD_REQUEST,
            f"outcome: {label!r} is not an outcome of {chosen.value} here; choose one of {', '.join(allowed)}.",
            "outcome",
        )
    return chosen, label


def submit_disposition(
    interaction: Interaction,
    *,
    agent_id: str,
    category: Category,
    outcome: str,
    now: datetime,
    notes: str | None = None,
    tags: Sequence[str] | None = None,
    counted_on: str | None = None,
) -> tuple[Interaction, bool]:
    """The agent's disposition. In wrap-up it closes the interaction (returns completed=False); on a closed
    interaction whose disposition is automatic or incomplete it completes it (completed=True). Anything
    else is refused: a disposition is written once."""
    if interaction.agent_id != agent_id or interaction.status in (Status.QUEUED, Status.OFFERED):
        raise AgentDeskError(
            ErrorCode.NOT_FOUND, f"Interaction {interaction.interaction_id} is not yours.", "interactionId"
        )
    at = _stamp(interaction, now)
    new_tags = interaction.tags if tags is None else tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if interaction.status is Status.WRAP_UP:
        disposition = Disposition(category, outcome, notes, Source.AGENT, True, at, agent_id, counted_on, category)
        times = replace(interaction.times, wrap_up_ended_at=at)
        closed = _next(
            interaction,
            at,
            status=Status.CLOSED,
            disposition=disposition,
            wrap_up_deadline=None,
            times=times,
            tags=new_tags,
        )
        return closed, False
    current = interaction.disposition
    if interaction.status is Status.CLOSED and current is not None and not current.complete:
        completed = replace(
            current,
            category=category,
            outcome=outcome,
            notes=notes,
            source=Source.AGENT,
            complete=True,
            submitted_at=at,
            submitted_by=agent_id,
            counted_as=category if current.counted_on else current.counted_as,
        )
        return _next(interaction, at, disposition=completed, tags=new_tags), True
    if interaction.status is Status.ACTIVE:
        raise _refuse(f"Interaction {interaction.interaction_id} is still active; end it first.")
    raise _refuse(f"Interaction {interaction.interaction_id} already has its disposition.")


def time_out_wrap_up(interaction: Interaction, *, now: datetime, counted_on: str | None = None) -> Interaction | None:
    """The wrap-up's time ran out without the agent's disposition: the system writes "Unsure - No agent
    submission" (incomplete, to be completed later) and closes it. None when there is nothing to do."""
    if interaction.status is not Status.WRAP_UP or interaction.disposition is not None:
        return None
    at = _stamp(interaction, now)
    notes = "\n".join(n.text for n in interaction.notes) or None
    disposition = Disposition(
        Category.UNSURE, NO_AGENT_SUBMISSION, notes, Source.TIMEOUT, False, at, "system", counted_on, Category.UNSURE
    )
    times = replace(interaction.times, wrap_up_ended_at=at)
    return _next(interaction, at, status=Status.CLOSED, disposition=disposition, wrap_up_deadline=None, times=times)


def close_without_disposition(interaction: Interaction, *, now: datetime) -> Interaction:
    """Wrap-up ends with no disposition to take (the queue's dispositions were switched off meanwhile)."""
    if interaction.status is not Status.WRAP_UP:
        raise _refuse(f"Interaction {interaction.interaction_id} is not in wrap-up.")
    at = _stamp(interaction, now)
    times = replace(interaction.times, wrap_up_ended_at=at)
    return _next(interaction, at, status=Status.CLOSED, wrap_up_deadline=None, times=times)


def rate(interaction: Interaction, *, score: int, comment: str | None, now: datetime) -> Interaction:
    """The customer's rating (CSAT 1-5), once, after the chat ended."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "score: a whole number from 1 to 5.", "score")
    if interaction.status in LIVE:
        raise _refuse("A chat is rated after it ended.", None)
    if interaction.times.answered_at is None:
        raise _refuse("No agent answered this chat, so there is nothing to rate.", None)
    if interaction.rating is not None:
        raise _refuse("This chat has been rated already.", None)
    return _next(interaction, _stamp(interaction, now), rating=Rating(score, comment or None))


def handle_seconds(interaction: Interaction) -> float:
    """From answer to the end of wrap-up (or the end): the handle time the performance toolbar adds up."""
    times = interaction.times
    end_at = times.wrap_up_ended_at or times.ended_at
    if times.answered_at is None or end_at is None:
        return 0.0
    delta = datetime.fromisoformat(end_at) - datetime.fromisoformat(times.answered_at)
    return round(max(0.0, delta.total_seconds()), 3)


# --- transfers -------------------------------------------------------------------------------------------


def _transferable(interaction: Interaction, agent_id: str) -> None:
    """The agent on an active interaction, with no transfer waiting, may hand it on."""
    _own(interaction, agent_id, (Status.ACTIVE,))
    if interaction.transfer is not None:
        raise _refuse(f"Interaction {interaction.interaction_id} already has a transfer waiting; confirm or cancel it.")


def _with_note(interaction: Interaction, agent_id: str, note_id: str, note: str | None, at: str) -> tuple[Note, ...]:
    if not note or not note.strip():
        return interaction.notes
    return (*interaction.notes, Note(note_id, check_text(note, "note", MAX_NOTE), agent_id, at))


def check_transfer_target(interaction: Interaction, *, agent_id: str, target_id: str) -> None:
    """A transfer goes to another agent than the one on it."""
    _transferable(interaction, agent_id)
    if target_id == agent_id:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "to: the interaction is with you already.", "to")


def transfer_to_queue(
    interaction: Interaction,
    *,
    agent_id: str,
    queue_id: str,
    queue_name: str,
    skill_id: str | None,
    dispositions_enabled: bool,
    note_id: str,
    note: str | None,
    now: datetime,
) -> Interaction:
    """Blind, to a queue: the interaction leaves the agent and waits in that queue with the place it had
    (its `queuedAt`: served oldest first), the agent routed to last; `transferredAt` records the hand-over."""
    _transferable(interaction, agent_id)
    at = _stamp(interaction, now)
    return _back_to_queue(
        interaction,
        agent_id,
        at,
        queue_id=queue_id,
        queue_name=queue_name,
        skill_id=skill_id,
        dispositions_enabled=dispositions_enabled,
        notes=_with_note(interaction, agent_id, note_id, note, at),
        times=replace(interaction.times, offered_at=None, transferred_at=at),
        **_off_hold(interaction, at),
    )


def transfer_to_agent(
    interaction: Interaction,
    *,
    agent_id: str,
    target_id: str,
    target_name: str,
    offer_id: str,
    timeout_seconds: int,
    auto_answer: bool,
    note_id: str,
    note: str | None,
    now: datetime,
) -> Interaction:
    """Blind, to an agent: offered to them at once (or, answering automatically, with them); a reject or an
    expired offer puts it back in its queue."""
    check_transfer_target(interaction, agent_id=agent_id, target_id=target_id)
    at = _stamp(interaction, now)
    notes = _with_note(interaction, agent_id, note_id, note, at)
    times = replace(interaction.times, offered_at=at, transferred_at=at)
    if auto_answer:
        return _next(interaction, at, agent_id=target_id, agent_name=target_name, notes=notes, times=times)
    expires = iso(datetime.fromisoformat(at) + timedelta(seconds=max(1, timeout_seconds)))
    return _next(
        interaction,
        at,
        status=Status.OFFERED,
        agent_id=target_id,
        agent_name=target_name,
        offer=Offer(offer_id, target_id, at, expires, auto_answer=False),
        notes=notes,
        times=times,
        **_off_hold(interaction, at),
    )


def request_transfer(
    interaction: Interaction,
    *,
    agent_id: str,
    to_kind: str,
    to_id: str,
    target_id: str,
    note: str | None,
    now: datetime,
) -> Interaction:
    """Attended: the target (an agent named, or the one a queue's transfer reached) is consulted while the
    agent stays on it, until the agent confirms or cancels."""
    check_transfer_target(interaction, agent_id=agent_id, target_id=target_id)
    if note is not None and note.strip():
        check_text(note, "note", MAX_NOTE)
    at = _stamp(interaction, now)
    transfer = Transfer(TransferMode.ATTENDED, to_kind, to_id, agent_id, target_id, at, (note or "").strip() or None)
    return _next(interaction, at, transfer=transfer)


def _pending(interaction: Interaction, agent_id: str) -> Transfer:
    _own(interaction, agent_id, (Status.ACTIVE,))
    if interaction.transfer is None:
        raise _refuse(f"Interaction {interaction.interaction_id} has no transfer waiting.")
    return interaction.transfer


def confirm_transfer(
    interaction: Interaction,
    *,
    agent_id: str,
    target_name: str,
    note_id: str,
    now: datetime,
    queue: tuple[str, str, str | None, bool] | None = None,
) -> Interaction:
    """The agent hands the interaction over to the consulted agent (and, for a queue's transfer, into that
    queue: `queue` = id, name, skill, dispositions on); the transfer's note joins the notes."""
    pending = _pending(interaction, agent_id)
    at = _stamp(interaction, now)
    changes: dict[str, object] = {}
    if queue is not None:
        changes = {"queue_id": queue[0], "queue_name": queue[1], "skill_id": queue[2], "dispositions_enabled": queue[3]}
    return _next(
        interaction,
        at,
        agent_id=pending.target_agent_id,
        agent_name=target_name,
        transfer=None,
        notes=_with_note(interaction, agent_id, note_id, pending.note, at),
        times=replace(interaction.times, transferred_at=at),
        **changes,
    )


def cancel_transfer(interaction: Interaction, *, agent_id: str, now: datetime) -> Interaction:
    """The agent withdraws the waiting transfer and keeps the interaction."""
    _pending(interaction, agent_id)
    return _next(interaction, _stamp(interaction, now), transfer=None)


# --- supervisors -----------------------------------------------------------------------------------------

MAX_WATCHERS = 20


def watch(interaction: Interaction, *, supervisor_id: str, on: bool, now: datetime) -> Interaction:
    """A supervisor starts (or stops) hearing the conversation live; unchanged when so already."""
    if on == (supervisor_id in interaction.watchers):
        return interaction
    if on and interaction.status not in LIVE:
        raise _refuse(f"Interaction {interaction.interaction_id} has ended ({interaction.status.value}).")
    if on and len(interaction.watchers) >= MAX_WATCHERS:
        raise _refuse(f"At most {MAX_WATCHERS} people watch one conversation.")
    watchers = (
        (*interaction.watchers, supervisor_id) if on else tuple(w for w in interaction.watchers if w != supervisor_id)
    )
    return _next(interaction, _stamp(interaction, now), watchers=watchers)
