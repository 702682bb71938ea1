"""Stable error codes shared by the WebSocket protocol and the HTTP APIs.

The AsyncAPI and OpenAPI documents list exactly this enum; a test keeps them in step.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    UNKNOWN_ACTION = "UNKNOWN_ACTION"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    PRECONDITION_REQUIRED = "PRECONDITION_REQUIRED"
    IN_USE = "IN_USE"
    INVALID_REFERENCE = "INVALID_REFERENCE"
    NOT_LOGGED_IN = "NOT_LOGGED_IN"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    REASON_REQUIRED = "REASON_REQUIRED"
    UNKNOWN_REASON = "UNKNOWN_REASON"
    RATE_LIMITED = "RATE_LIMITED"
    REPLAYED = "REPLAYED"
    INTERNAL_ERROR = "INTERNAL_ERROR"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.UNKNOWN_ACTION: 400,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,  # HTTP only, with an Allow header
    ErrorCode.CONFLICT: 409,
    ErrorCode.PRECONDITION_REQUIRED: 428,
    ErrorCode.IN_USE: 409,
    # A well-formed value that names something missing or unsuitable (an unknown team, a non-supervisor).
    ErrorCode.INVALID_REFERENCE: 422,
    ErrorCode.NOT_LOGGED_IN: 409,
    ErrorCode.INVALID_TRANSITION: 409,
    ErrorCode.REASON_REQUIRED: 422,
    ErrorCode.UNKNOWN_REASON: 422,
    # Too many requests from one client; the error says when to try again (retryAfterSeconds, Retry-After).
    ErrorCode.RATE_LIMITED: 429,
    # A signed request (ingress) seen before: a captured request sent again, or a retry that was not signed anew.
    ErrorCode.REPLAYED: 409,
    ErrorCode.INTERNAL_ERROR: 500,
}


class AgentDeskError(Exception):
    """A refusal a client can act on: a stable code, a readable message, the field at fault, if any, and
    for RATE_LIMITED the whole seconds to wait before trying again."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: str | None = None,
        *,
        retry_after_seconds: int | None = None,
        problems: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.retry_after_seconds = retry_after_seconds
        self.problems = problems  # every {field, message} of a request refused for several reasons

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code.value, "message": self.message}
        if self.field is not None:
            body["field"] = self.field
        if self.retry_after_seconds is not None:
            body["retryAfterSeconds"] = self.retry_after_seconds
        if self.problems:
            body["problems"] = self.problems
        return body


def rate_limited(retry_after_seconds: int, what: str) -> AgentDeskError:
    """RATE_LIMITED: `what` came too fast (e.g. "Commands on this connection")."""
    wait = f"{retry_after_seconds} second{'s' if retry_after_seconds != 1 else ''}"
    return AgentDeskError(
        ErrorCode.RATE_LIMITED,
        f"{what} are coming too fast; try again in {wait}.",
        retry_after_seconds=retry_after_seconds,
    )
