"""The WebSocket envelope: every request names an action and a requestId and gets exactly one reply."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentdesk.kernel.errors import AgentDeskError, ErrorCode

# API Gateway accepts frames up to 32 KB; we refuse larger messages with a stable code before parsing.
MAX_MESSAGE_BYTES = 32 * 1024


class Envelope(BaseModel):
    """The fields every request carries; the action's own fields are validated by the action's model."""

    model_config = ConfigDict(extra="allow")

    action: str = Field(min_length=1, max_length=64)
    requestId: str = Field(min_length=1, max_length=128)


class ActionRequest(BaseModel):
    """Base of every action's request model: unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")

    action: str
    requestId: str = Field(min_length=1, max_length=128, description="Echoed in the reply.")


def describe_validation_error(exc: ValidationError) -> tuple[str, str]:
    """The first problem as (field, readable message)."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "body"
    return field, f"{field}: {first['msg']}"


def _text(body: str | bytes) -> tuple[str, int]:
    """The frame as text and its size in UTF-8 bytes. Text frames are UTF-8: bytes are decoded as UTF-8
    only (never guessed as UTF-16/32 from their NULs, as the JSON reader would), a string must encode as
    UTF-8 (no lone surrogates), and a leading byte order mark is ignored (RFC 8259 allows it)."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    size = len(text.encode("utf-8"))
    return text.removeprefix("\ufeff"), size


def parse_envelope(body: str | bytes | None) -> tuple[Envelope, dict[str, Any]]:
    """Parse a raw frame into the envelope and the whole message; raise AgentDeskError on bad input."""
    if body is None or body in ("", b""):
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "The message is empty; send a JSON object.", "body")
    try:
        text, size = _text(body)
    except UnicodeError as exc:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "The message is not UTF-8 text.", "body") from exc
    if size > MAX_MESSAGE_BYTES:
        raise AgentDeskError(
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"The message is {size} bytes; the limit is {MAX_MESSAGE_BYTES}.",
            "body",
        )
    try:
        message = json.loads(text)
    except RecursionError as exc:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "The message nests too deeply to read.", "body") from exc
    except json.JSONDecodeError as exc:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"The message is not valid JSON: {exc}", "body") from exc
    except ValueError as exc:  # a number too long to read
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"The message cannot be read: {exc}", "body") from exc
    if not isinstance(message, dict):
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "The message must be a JSON object.", "body")
    try:
        envelope = Envelope.model_validate(message)
    except ValidationError as exc:
        field, text = describe_validation_error(exc)
        raise AgentDeskError(ErrorCode.BAD_REQUEST, text, field) from exc
    return envelope, message


def request_id_of(body: str | bytes | None) -> str | None:
    """Best-effort requestId of a frame that failed to parse, so even an error reply can be correlated."""
    try:
        message = json.loads(_text(body or "")[0])
    except (ValueError, UnicodeError, TypeError, RecursionError):  # whatever the frame is, no id
        return None
    rid = message.get("requestId") if isinstance(message, dict) else None
    return rid if isinstance(rid, str) and 0 < len(rid) <= 128 else None


def ack(request_id: str | None, **payload: Any) -> dict[str, Any]:
    return {"type": "ack", "requestId": request_id, **payload}


def error(request_id: str | None, err: AgentDeskError) -> dict[str, Any]:
    return {"type": "error", "requestId": request_id, **err.to_dict()}


def push(kind: str, **payload: Any) -> dict[str, Any]:
    """A server-initiated message such as `agent.state` or `config.changed`."""
    return {"type": kind, **payload}
