"""The HTTP API application (Powertools resolver): authentication of the JWT claims, error mapping, routes.

API Gateway's JWT authorizer has verified the token before the handler runs; the resolver turns the
claims into a principal and every AgentDeskError into a JSON error with its stable code.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from agentdesk.contracts.errors import AgentDeskError, ErrorCode
from agentdesk.domain.identity import Principal, principal_from_claims
from agentdesk.services.identity import me

app = APIGatewayHttpResolver(enable_validation=True)


def _json_error(err: AgentDeskError) -> Response[dict[str, Any]]:
    return Response(
        status_code=err.http_status, content_type="application/json", body={"error": err.to_dict()}
    )


@app.exception_handler(AgentDeskError)
def _agentdesk_error(exc: AgentDeskError) -> Response[dict[str, Any]]:
    return _json_error(exc)


@app.exception_handler(RequestValidationError)
def _validation_error(exc: RequestValidationError) -> Response[dict[str, Any]]:
    first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid request"}
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")) or "body"
    return _json_error(AgentDeskError(ErrorCode.BAD_REQUEST, f"{field}: {first.get('msg')}", field))


def current_principal() -> Principal:
    """The caller, from the claims the JWT authorizer verified."""
    claims = app.current_event.request_context.authorizer.jwt_claim or {}
    principal = principal_from_claims(claims) if claims.get("sub") else None
    if principal is None:
        raise AgentDeskError(ErrorCode.FORBIDDEN, "Your account has no Agent Desk role.")
    return principal


@app.get("/api/me")
def get_me() -> dict[str, Any]:
    """The signed-in user's identity and role."""
    return me(current_principal())
