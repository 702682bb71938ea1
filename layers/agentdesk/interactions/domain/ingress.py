"""Other channels (voice, email, tasks) entering through the ingress API: the request signature, the
timestamp window, and how an outside system's lifecycle update maps onto an interaction. Pure: the caller
passes the time, the key and the raw body.

A request is signed with the integration's API key: `X-AgentDesk-Signature: v1=<hex HMAC-SHA256(key,
timestamp + "." + raw body)>`, `X-AgentDesk-Timestamp` being the unix seconds it was signed at. A timestamp
outside the window is refused before the signature is checked; a signature is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from agentdesk.interactions.domain.model import Direction, Status
from agentdesk.kernel.errors import AgentDeskError, ErrorCode

KEY_HEADER = "X-AgentDesk-Key"
TIMESTAMP_HEADER = "X-AgentDesk-Timestamp"
SIGNATURE_HEADER = "X-AgentDesk-Signature"
SIGNATURE_VERSION = "v1"
# How far a request's timestamp may be from our clock: room for clock skew and a slow network, short enough
# that a captured request is useless soon after (and the replay guard only has to remember this long).
TIMESTAMP_TOLERANCE_SECONDS = 300

_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v1=([0-9a-f]{64})$")


def _unauthorized(message: str, field: str) -> AgentDeskError:
    return AgentDeskError(ErrorCode.UNAUTHORIZED, message, field)


def signed_content(timestamp: str, body: bytes) -> bytes:
    """What the signature covers: the timestamp header as sent, a dot, the raw body bytes."""
    return timestamp.encode("ascii") + b"." + body


def sign(key: str, timestamp: str, body: bytes) -> str:
    """The `X-AgentDesk-Signature` value of a request (what a client computes)."""
    digest = hmac.new(key.encode(), signed_content(timestamp, body), hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def check_timestamp(header: str | None, now: float, tolerance: int = TIMESTAMP_TOLERANCE_SECONDS) -> int:
    """The request's unix seconds, if present, well-formed and within `tolerance` of `now`; else UNAUTHORIZED."""
    if header is None or not header.strip():
        raise _unauthorized(f"Send {TIMESTAMP_HEADER}: the unix seconds the request was signed at.", TIMESTAMP_HEADER)
    text = header.strip()
    if not _TIMESTAMP.match(text):
        raise _unauthorized(f"{TIMESTAMP_HEADER} must be whole unix seconds, e.g. 1767225600.", TIMESTAMP_HEADER)
    stamp = int(text)
    if abs(now - stamp) > tolerance:
        raise _unauthorized(
            f"{TIMESTAMP_HEADER} is {int(now - stamp)} s away from our clock; sign with the current time "
            f"(allowed: ±{tolerance} s).",
            TIMESTAMP_HEADER,
        )
    return stamp


def check_signature(key: str, timestamp: str, body: bytes, header: str | None) -> str:
    """The signature's hex digest if it is the one the key makes of this timestamp and body; else UNAUTHORIZED.
    The comparison takes the same time wherever the digests differ."""
    if header is None or not header.strip():
        raise _unauthorized(f"Send {SIGNATURE_HEADER}: v1=<hex HMAC-SHA256 of the request>.", SIGNATURE_HEADER)
    found = _SIGNATURE.match(header.strip())
    if found is None:
        raise _unauthorized(
            f"{SIGNATURE_HEADER} must be v1= followed by 64 lower-case hex digits (HMAC-SHA256).", SIGNATURE_HEADER
        )
    expected = sign(key, timestamp.strip(), body).removeprefix(f"{SIGNATURE_VERSION}=")
    if not hmac.compare_digest(found.group(1).encode(), expected.encode()):
        raise _unauthorized(
            f"{SIGNATURE_HEADER} does not match: sign {TIMESTAMP_HEADER} + '.' + the raw body with the key.",
            SIGNATURE_HEADER,
        )
    return found.group(1)


# --- what is created -------------------------------------------------------------------------------------


def check_direction(direction: Direction, agent_id: str | None) -> None:
    """An outbound interaction may name the agent who places it; an inbound one is routed, never assigned."""
    if direction is Direction.INBOUND and agent_id is not None:
        raise AgentDeskError(
            ErrorCode.BAD_REQUEST,
            "agentId: only an outbound interaction names its agent; an inbound one is routed.",
            "agentId",
        )


# --- lifecycle updates -----------------------------------------------------------------------------------


class Update(StrEnum):
    """What an outside system reports about an interaction it created."""

    RINGING = "ringing"
    ANSWERED = "answered"
    HELD = "held"
    RESUMED = "resumed"
    ENDED = "ended"


class Effect(StrEnum):
    RECORD = "record"  # an event on the stream; the interaction's status stays (ringing, held, resumed)
    ANSWER = "answer"  # the offered agent is connected: the interaction is active with them
    END = "end"  # endInteraction: wrap-up (or closed); not yet answered: abandoned
    NOTHING = "nothing"  # it is so already (a repeated update): nothing changes, no event


@dataclass(frozen=True)
class Decision:
    effect: Effect
    on_hold: bool  # whether the interaction is on hold after the update


_ENDED = frozenset({Status.WRAP_UP, Status.CLOSED, Status.ABANDONED})


def decide(update: Update, status: Status, on_hold: bool) -> Decision:
    """The effect of `update` on an interaction in `status` (and on hold or not). Repeats change nothing;
    an update that cannot apply (answered while nobody is offered it, held before it is answered, anything
    but ended after the end) is INVALID_TRANSITION."""
    ended = status in _ENDED

    def refuse(why: str) -> AgentDeskError:
        return AgentDeskError(ErrorCode.INVALID_TRANSITION, f"{update.value}: {why}", "type")

    if update is Update.ENDED:
        return Decision(Effect.NOTHING if ended else Effect.END, False)
    if ended:
        raise refuse(f"the interaction has ended ({status.value}).")
    if update is Update.RINGING:
        return Decision(Effect.RECORD, on_hold)
    if update is Update.ANSWERED:
        if status is Status.OFFERED:
            return Decision(Effect.ANSWER, False)
        if status is Status.ACTIVE:
            return Decision(Effect.NOTHING, on_hold)
        raise refuse("no agent has been offered the interaction yet (it is queued).")
    if status is not Status.ACTIVE:
        raise refuse(f"only an answered interaction is held or resumed (it is {status.value}).")
    if update is Update.HELD:
        return Decision(Effect.NOTHING if on_hold else Effect.RECORD, True)
    return Decision(Effect.RECORD if on_hold else Effect.NOTHING, False)
