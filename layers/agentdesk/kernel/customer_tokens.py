"""Customer tokens: the short-lived credential a customer's chat connects with.

A customer never signs in. Opening a chat (`POST /api/chat/sessions`) issues an HS256 JWT signed with the
product's own key — a Secrets Manager secret (`CUSTOMER_TOKEN_SECRET_ARN`), read once per warm function —
naming the contact (`sub`) and the one interaction it may act on (`iid`), with `typ` "customer", `iat`,
`exp` and a unique `jti`.

It cannot pass for a Cognito IdToken, nor one for it: each kind is verified with its own algorithm and key
only (HS256 and this secret here; RS256 and the pool's published keys there), so a token signed for the
other, one signed with the pool's public key as an HMAC secret, or one with `alg: none` fails the
signature check. Only then are its claims read; `typ` must say customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Final

import jwt

from agentdesk.kernel import aws, clock, ids
from agentdesk.kernel.settings import get_settings

ALGORITHM: Final = "HS256"
CUSTOMER_TYP: Final = "customer"
JTI_PREFIX: Final = "ctk_"
MIN_KEY_BYTES: Final = 32  # RFC 7518 §3.2: an HS256 key is at least as long as the hash
REQUIRED_CLAIMS: Final = ("sub", "iid", "typ", "iat", "exp", "jti")
NAME_MAX_CHARS: Final = 80


class CustomerTokenError(Exception):
    """The token is malformed, forged, expired or not a customer token. `reason` is one fixed word
    (invalid, expired, not-customer-token) that logs and counters may key on; never log the token."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CustomerClaims:
    """What a verified customer token says."""

    contact_id: str
    interaction_id: str
    issued_at: datetime
    expires_at: datetime
    token_id: str
    name: str | None = None


def issue(
    interaction_id: str, contact_id: str, *, ttl_seconds: int | None = None, name: str | None = None
) -> tuple[str, str]:
    """A token for the contact on the interaction, valid `ttl_seconds` (default: the setting
    CUSTOMER_TOKEN_TTL_SECONDS); returns (token, expiresAt as an ISO timestamp)."""
    if not interaction_id or not contact_id:
        raise ValueError("a customer token names its interaction and its contact")
    ttl = get_settings().customer_token_ttl_seconds if ttl_seconds is None else ttl_seconds
    if ttl <= 0:
        raise ValueError("a customer token lives at least one second")
    issued = clock.now().replace(microsecond=0)  # JWT times are whole seconds
    expires = issued + timedelta(seconds=ttl)
    claims: dict[str, Any] = {
        "sub": contact_id,
        "iid": interaction_id,
        "typ": CUSTOMER_TYP,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": ids.new_id(JTI_PREFIX),
    }
    if name:
        claims["name"] = name[:NAME_MAX_CHARS]
    token = jwt.encode(claims, _key(), algorithm=ALGORITHM, headers={"typ": "JWT"})
    return token, clock.iso(expires)


def verify(token: str) -> CustomerClaims:
    """The claims of a valid customer token, or CustomerTokenError."""
    if not token:
        raise CustomerTokenError("no token", "invalid")
    try:
        # Expiry is checked below against the product's clock (the one issue() reads), not the host's.
        claims: dict[str, Any] = jwt.decode(
            token,
            _key(),
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS), "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidTokenError as exc:
        raise CustomerTokenError(f"invalid customer token: {exc}", "invalid") from exc
    if claims.get("typ") != CUSTOMER_TYP:
        raise CustomerTokenError("not a customer token", "not-customer-token")
    try:
        issued_at = int(claims["iat"])
        expires_at = int(claims["exp"])
    except (TypeError, ValueError) as exc:
        raise CustomerTokenError("iat and exp must be whole seconds", "invalid") from exc
    if clock.epoch_seconds() >= expires_at:
        raise CustomerTokenError("token expired", "expired")
    contact_id, interaction_id, token_id = (claims.get(k) for k in ("sub", "iid", "jti"))
    if not all(isinstance(v, str) and v for v in (contact_id, interaction_id, token_id)):
        raise CustomerTokenError("sub, iid and jti must be non-empty strings", "invalid")
    name = claims.get("name")
    return CustomerClaims(
        contact_id=str(contact_id),
        interaction_id=str(interaction_id),
        issued_at=datetime.fromtimestamp(issued_at, tz=UTC),
        expires_at=datetime.fromtimestamp(expires_at, tz=UTC),
        token_id=str(token_id),
        name=name if isinstance(name, str) and name else None,
    )


def looks_like_customer_token(token: str) -> bool:
    """Whether the token's header claims HS256 — which verifier to try, never whether to trust it: each
    verifier pins its own algorithm and key, so a header that lies only picks the check that will fail."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return False
    return header.get("alg") == ALGORITHM and "kid" not in header


def _key() -> bytes:
    settings = get_settings()
    return _key_of(settings.require("customer_token_secret_arn"), settings.region, aws.endpoint())


@cache
def _key_of(secret_arn: str, _region: str, _endpoint: str | None) -> bytes:
    """The signing key, read once per warm function (per secret and endpoint)."""
    value = aws.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    key = str(value).encode()
    if len(key) < MIN_KEY_BYTES:
        raise RuntimeError(f"the customer token secret must be at least {MIN_KEY_BYTES} bytes long")
    return key


def forget_key() -> None:
    """Drop the cached key (a rotated secret is read again)."""
    _key_of.cache_clear()
