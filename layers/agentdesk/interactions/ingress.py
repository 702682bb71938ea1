"""The ingress HTTP routes: outside systems (a telephony system, an email gateway, a task tool) create
interactions and report their lifecycle. Not behind the Cognito authorizer: every request is authenticated
here, before its body is read — the integration's API key (`X-AgentDesk-Key`, found by its hash; a disabled
or deleted integration is refused), its rate limit, the timestamp window, the HMAC signature over timestamp
and raw body (constant-time), and a replay guard that takes each signed request once."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from agentdesk.config import service as config_service
from agentdesk.config.contracts import ROLE_EXTENSION, ErrorResponse
from agentdesk.interactions import channels
from agentdesk.interactions import ingress_store as replay
from agentdesk.interactions.contracts import (
    IngressInteraction,
    IngressInteractionInput,
    IngressUpdateInput,
    IngressUpdateResult,
    InteractionId,
)
from agentdesk.interactions.domain import ingress as rules
from agentdesk.kernel import clock
from agentdesk.kernel.errors import AgentDeskError, ErrorCode, rate_limited
from agentdesk.kernel.rate_limit import limiter
from agentdesk.kernel.settings import get_settings

# The `x-agentdesk-role` of a route an integration calls with its key and signature (not a user's role).
INTEGRATION = "integration"
# How long an accepted signature is remembered: past the window on either side of our clock.
REMEMBER_SECONDS = 2 * rules.TIMESTAMP_TOLERANCE_SECONDS + 60


def _header_key(name: str, description: str) -> APIKey:
    """An OpenAPI apiKey scheme sent in a header."""
    return APIKey.model_validate({"type": "apiKey", "in": APIKeyIn.header, "name": name, "description": description})


SECURITY_SCHEMES = {
    "ingressKey": _header_key(
        rules.KEY_HEADER,
        "The integration's API key (POST /api/integrations shows it once). Every ingress request "
        "also carries X-AgentDesk-Timestamp and X-AgentDesk-Signature.",
    ),
    "ingressTimestamp": _header_key(
        rules.TIMESTAMP_HEADER,
        "The unix seconds the request was signed at; refused more than 300 s away from the server's clock.",
    ),
    "ingressSignature": _header_key(
        rules.SIGNATURE_HEADER,
        "`v1=` + the lower-case hex HMAC-SHA256, keyed with the API key, of the timestamp header, "
        '".", and the raw request body. Each signed request is taken once: sending the same one again is '
        "409 REPLAYED (sign a retry anew).",
    ),
}
SECURITY: list[dict[str, list[str]]] = [{name: [] for name in SECURITY_SCHEMES}]


@dataclass(frozen=True)
class Caller:
    """The integration a request was authenticated as."""

    integration_id: str
    name: str


router = Router()


def _error(text: str) -> OpenAPIResponse:
    return {"description": text, "content": {"application/json": {"model": ErrorResponse}}}


_REFUSALS: dict[int, OpenAPIResponse] = {
    400: _error("BAD_REQUEST: malformed JSON, a wrong type, an unknown field or a value out of range."),
    401: _error(
        "UNAUTHORIZED (`field` names the header): no or an unknown key, a disabled or deleted integration, a "
        "missing or malformed timestamp or one more than 300 s from the server's clock, a missing, malformed "
        "or wrong signature. Checked before the body is read."
    ),
    409: _error(
        "REPLAYED: this signed request was taken before (sign a retry anew); INVALID_TRANSITION: the update "
        "cannot apply now; CONFLICT: a concurrent change, send it again."
    ),
    413: _error("PAYLOAD_TOO_LARGE: the body is over 64 KB."),
    429: {
        **_error("RATE_LIMITED: the integration sends too many requests; wait Retry-After seconds."),
        "headers": {
            "Retry-After": {"description": "Whole seconds to wait before trying again.", "schema": {"type": "integer"}}
        },
    },
}


def _header(event: APIGatewayProxyEventV2, name: str) -> str | None:
    value = event.headers.get(name.lower())
    if value is None:
        value = next((v for k, v in event.headers.items() if k.lower() == name.lower()), None)
    return value


def _raw_body(event: APIGatewayProxyEventV2) -> bytes:
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise AgentDeskError(ErrorCode.BAD_REQUEST, "The body is not valid base64.", "body") from None
    return body.encode()


def authenticate(event: APIGatewayProxyEventV2) -> Caller:
    """Who sent the request, or the refusal (401, 429, 409 REPLAYED); remembers the signature it took."""
    key = (_header(event, rules.KEY_HEADER) or "").strip()
    if not key:
        raise AgentDeskError(
            ErrorCode.UNAUTHORIZED, f"Send {rules.KEY_HEADER}: the integration's API key.", rules.KEY_HEADER
        )
    integration = config_service.integration_for_key(key)
    if integration is None:
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The key belongs to no enabled integration.", rules.KEY_HEADER)
    wait = limiter("ingress-requests", get_settings().ingress_request_limit).take(integration.id)
    if wait is not None:
        raise rate_limited(wait, "Requests of this integration")
    now = clock.now().timestamp()
    timestamp = _header(event, rules.TIMESTAMP_HEADER)
    rules.check_timestamp(timestamp, now)
    assert timestamp is not None
    signature = rules.check_signature(key, timestamp, _raw_body(event), _header(event, rules.SIGNATURE_HEADER))
    if not replay.first_use(integration.id, signature, now=int(now), keep_seconds=REMEMBER_SECONDS):
        raise AgentDeskError(
            ErrorCode.REPLAYED,
            "This signed request was taken before; sign a retry anew (a new timestamp).",
            rules.SIGNATURE_HEADER,
        )
    return Caller(integration.id, integration.name)


def _caller() -> Caller:
    caller = router.context.get("integration")
    if not isinstance(caller, Caller):  # the HTTP app authenticates every INTEGRATION route before it runs
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The request is not authenticated.")
    return caller


@router.post(
    "/api/ingress/interactions",
    summary="Create an interaction from another channel (integrations)",
    description="A voice call, an email or a task enters Agent Desk: queued in `queueId` and routed exactly "
    "like a chat (a voice call takes the agent's whole capacity), or, outbound with `agentId`, given to that "
    "agent at once. `externalId` is the system's own id: sending it again answers the interaction it created "
    "(200) instead of creating another. Signed: see the ingressKey, ingressTimestamp and ingressSignature "
    "schemes, and docs/interactions.md (Other channels).",
    operation_id="createIngressInteraction",
    tags=["Ingress"],
    responses={
        201: {"description": "Created (and routed, or assigned to the outbound agent)."},
        200: {
            "description": "The integration created an interaction with this externalId before: that one, as "
            "it is now.",
            "content": {"application/json": {"model": IngressInteraction}},
        },
        **_REFUSALS,
        404: _error("NOT_FOUND: no such queue, skill or agent (`field` says which)."),
    },
    security=SECURITY,
    openapi_extensions={ROLE_EXTENSION: INTEGRATION},
)
def create_interaction(body: IngressInteractionInput) -> Response[IngressInteraction]:
    interaction, created = channels.create(_caller().integration_id, body)
    reply: Any = interaction
    return Response(status_code=201 if created else 200, content_type="application/json", body=reply)


@router.post(
    "/api/ingress/interactions/<id>/events",
    summary="Report an interaction's lifecycle (integrations)",
    description="ringing, held and resumed are recorded as events; answered connects the agent the "
    "interaction is offered to; ended ends it as endInteraction does (wrap-up, when the queue takes "
    "dispositions), or abandons it when no agent answered yet. An update the interaction is in already "
    "(a repeat) changes nothing: `changed` is false. Only the integration that created it may report on it.",
    operation_id="reportIngressEvent",
    tags=["Ingress"],
    responses={
        200: {"description": "The interaction after the update."},
        **_REFUSALS,
        404: _error("NOT_FOUND: no interaction of this integration with this id."),
    },
    security=SECURITY,
    openapi_extensions={ROLE_EXTENSION: INTEGRATION},
)
def report_event(
    id: Annotated[InteractionId, Path(description="The interactionId the create answered")],
    body: IngressUpdateInput,
) -> IngressUpdateResult:
    kind = rules.Update(body.type)
    at = body.at.isoformat() if body.at is not None else None
    interaction, changed = channels.update(_caller().integration_id, id, kind, at)
    return IngressUpdateResult(type=body.type, changed=changed, interaction=interaction)
