"""Verification of tokens: Cognito IdTokens (signature against the pool's JWKS, issuer, client, expiry,
token_use) and, on a WebSocket connection, customer tokens (kernel/customer_tokens.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

import jwt

from agentdesk.kernel import customer_tokens
from agentdesk.kernel.identity import Principal, Role, principal_from_claims
from agentdesk.kernel.settings import get_settings


class AuthError(Exception):
    """The token is missing, malformed, forged, expired or not meant for us; the message says which.

    `reason` is one of a few fixed words (missing, expired, unknown-key, invalid, not-id-token, no-role,
    not-customer-token) that logs and counters may key on; the message may quote the token's own header and
    must not be logged.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@cache
def _jwks_client(url: str) -> jwt.PyJWKClient:
    # Keys are cached across invocations of a warm function; an unknown kid refreshes the set once.
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600, timeout=5)


def verify_id_token(token: str | None, *, leeway_seconds: int = 0) -> dict[str, Any]:
    """Return the verified claims of a Cognito IdToken or raise AuthError."""
    if not token:
        raise AuthError("no token", "missing")
    settings = get_settings()
    try:
        signing_key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key.key,
            algorithms=["RS256"],
            audience=settings.require("user_pool_client_id"),
            issuer=settings.issuer,
            leeway=leeway_seconds,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token expired", "expired") from exc
    except jwt.PyJWKClientError as exc:
        raise AuthError(f"signing key not found: {exc}", "unknown-key") from exc
    except jwt.InvalidTokenError as exc:
        raise AuthError(f"invalid token: {exc}", "invalid") from exc
    if claims.get("token_use") != "id":
        raise AuthError("token_use must be 'id'", "not-id-token")
    return claims


def authenticate(token: str | None) -> Principal:
    """Verified principal for a token, or AuthError when the token is bad or carries no Agent Desk role."""
    principal = principal_from_claims(verify_id_token(token))
    if principal is None:
        raise AuthError("user is in none of the groups agents, supervisors, admins", "no-role")
    return principal


def authenticate_customer(token: str) -> Principal:
    """The customer a customer token names, on the one interaction it names, or AuthError."""
    try:
        claims = customer_tokens.verify(token)
    except customer_tokens.CustomerTokenError as exc:
        raise AuthError(str(exc), exc.reason) from exc
    return Principal(
        user_id=claims.contact_id,
        username=claims.contact_id,
        name=claims.name or "Customer",
        email="",
        role=Role.CUSTOMER,
        interaction_id=claims.interaction_id,
    )


def authenticate_connection(token: str | None) -> Principal:
    """Who opens a WebSocket connection: staff with a Cognito IdToken (as `authenticate`), or a customer with
    a customer token. The header only chooses which verifier runs; each accepts its own algorithm and key
    alone, so a token that claims to be of the other kind fails there."""
    if not token:
        raise AuthError("no token", "missing")
    if customer_tokens.looks_like_customer_token(token):
        return authenticate_customer(token)
    return authenticate(token)
