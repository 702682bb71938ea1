"""WebSocket command dispatch: the one place a frame becomes an action call and an exception becomes a reply.

Actions register themselves with `@action(...)`; the wiring declares one WebSocket route per action and a
test keeps the two in step.

A customer (a connection opened with a customer token) may run only the actions registered with
`customer=True`; any other is FORBIDDEN before its request is even read. Customers are not in the directory,
so the dispatcher does not look them up there: the action itself checks the customer's interaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from agentdesk.config import directory
from agentdesk.kernel.errors import AgentDeskError, ErrorCode, rate_limited
from agentdesk.kernel.identity import Principal, Role, at_least
from agentdesk.kernel.observability import logger
from agentdesk.kernel.rate_limit import limiter
from agentdesk.kernel.settings import get_settings
from agentdesk.realtime.envelope import (
    ActionRequest,
    ack,
    describe_validation_error,
    error,
    parse_envelope,
    request_id_of,
)

R = TypeVar("R", bound=ActionRequest)


@dataclass(frozen=True)
class Action:
    name: str
    request: type[ActionRequest]
    run: Callable[[Principal, Any], dict[str, Any]]
    min_role: Role
    summary: str
    reply: type[BaseModel] | None = None  # the ack's fields, for the protocol document
    # True: the action authorizes the caller itself, against the directory it reads with its state (one
    # round trip); the dispatcher then leaves the caller as the token says. False: the dispatcher does it.
    authorizes: bool = False
    # True: a customer may call it too (on the interaction their token names); staff still need `min_role`.
    customer: bool = False


ACTIONS: dict[str, Action] = {}


def action(
    name: str,
    request: type[R],
    *,
    min_role: Role = Role.AGENT,
    summary: str = "",
    reply: type[BaseModel] | None = None,
    authorizes: bool = False,
    customer: bool = False,
) -> Callable[[Callable[[Principal, R], dict[str, Any]]], Callable[[Principal, R], dict[str, Any]]]:
    """Register a WebSocket action; the function returns the ack payload (described by `reply`). With
    `customer=True` customers may call it as well, and the function must then check their interaction."""

    def register(run: Callable[[Principal, R], dict[str, Any]]) -> Callable[[Principal, R], dict[str, Any]]:
        ACTIONS[name] = Action(
            name, request, run, min_role, summary or (run.__doc__ or "").strip(), reply, authorizes, customer
        )
        return run

    return register


def principal_of(event: Mapping[str, Any]) -> Principal:
    """The principal the $connect authorizer attached to this connection."""
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    try:
        return Principal.from_dict(context)
    except (KeyError, ValueError) as exc:
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The connection carries no verified identity.") from exc


def require_role(principal: Principal, action_name: str, min_role: Role) -> None:
    """FORBIDDEN unless the principal holds at least `min_role`."""
    if not at_least(principal.role, min_role):
        raise AgentDeskError(ErrorCode.FORBIDDEN, f"Action '{action_name}' needs the {min_role} role.")


def customer_actions() -> list[str]:
    """The actions a customer may call, by name."""
    return sorted(name for name, registered in ACTIONS.items() if registered.customer)


def customer_interaction(principal: Principal, requested: str | None = None) -> str:
    """The interaction a customer acts on: the one their token names. A request that names another is
    FORBIDDEN (`requested` None: the request named none)."""
    if not principal.is_customer or principal.interaction_id is None:
        raise AgentDeskError(ErrorCode.FORBIDDEN, "Only a customer's connection acts on its own interaction.")
    if requested is not None and requested != principal.interaction_id:
        raise AgentDeskError(ErrorCode.FORBIDDEN, "This chat may act on its own interaction only.", "interactionId")
    return principal.interaction_id


def dispatch(body: str | None, principal: Principal, *, connection_id: str | None = None) -> dict[str, Any]:
    """Handle one frame and return exactly one reply (ack or error).

    Frames of one connection are rate limited (RATE_LIMITED, with retryAfterSeconds) before anything else
    is read or done; without a `connection_id` nothing is limited.
    """
    request_id = request_id_of(body)
    try:
        if connection_id is not None:
            wait = limiter("ws-commands", get_settings().command_limit).take(connection_id)
            if wait is not None:
                raise rate_limited(wait, "Commands on this connection")
        envelope, message = parse_envelope(body)
        request_id = envelope.requestId
        registered = ACTIONS.get(envelope.action)
        if registered is None:
            known = customer_actions() if principal.is_customer else sorted(ACTIONS)
            raise AgentDeskError(
                ErrorCode.UNKNOWN_ACTION,
                f"Unknown action '{envelope.action}'. Known actions: {', '.join(known)}.",
                "action",
            )
        if principal.is_customer:
            # Not in the directory: the token alone says who they are, and it opens the customer actions only.
            if not registered.customer:
                raise AgentDeskError(ErrorCode.FORBIDDEN, f"Action '{registered.name}' is not open to customers.")
        elif not registered.authorizes:
            # Who the caller is now follows the directory, not the token: deleted, disabled, demoted.
            principal = directory.current().authorize(principal)
            require_role(principal, registered.name, registered.min_role)
        try:
            request = registered.request.model_validate(message)
        except ValidationError as exc:
            field, text = describe_validation_error(exc)
            raise AgentDeskError(ErrorCode.BAD_REQUEST, text, field) from exc
        payload = registered.run(principal, request)
        if registered.reply is not None:  # what is sent is what the protocol document describes
            payload = registered.reply.model_validate(payload).model_dump(mode="json")
        return ack(request_id, **payload)
    except AgentDeskError as exc:
        return error(request_id, exc)
    except Exception:
        logger.exception("action failed")
        return error(request_id, AgentDeskError(ErrorCode.INTERNAL_ERROR, "Something went wrong; try again."))


def reply(message: dict[str, Any]) -> dict[str, Any]:
    """The Lambda response of a two-way route: API Gateway sends `body` back on the same connection."""
    return {"statusCode": 200, "body": json.dumps(message, separators=(",", ":"), default=str)}
