"""Customer tokens (kernel/customer_tokens.py): what they say, how long they live, and every way a token that
is not one of ours — expired, forged, tampered with, of another type, unsigned, a Cognito IdToken — is
refused. The key is a Secrets Manager secret (moto) read once per warm function."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto.cognitoidp
import pytest
from moto import mock_aws

from agentdesk.kernel import clock, customer_tokens
from agentdesk.kernel.customer_tokens import CustomerTokenError, issue, looks_like_customer_token, verify
from agentdesk.kernel.settings import SettingsError, reset_settings

KEY = "k" * 24 + "0123456789abcdefghijklmnopqrstuvwxyz"  # 60 bytes
MOTO_KEYS = Path(moto.cognitoidp.__file__).parent / "resources"
NOW = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)


@pytest.fixture
def moments() -> Iterator[list[datetime]]:
    held = [NOW]
    clock.set_clock(lambda: held[-1])
    yield held
    clock.reset_clock()


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch, moments: list[datetime]) -> Iterator[str]:
    for name in ("AWS_ENDPOINT_URL", "AGENTDESK_FUNCTION", "CUSTOMER_TOKEN_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        arn = boto3.client("secretsmanager", region_name="us-east-1").create_secret(
            Name="customer-token-key", SecretString=KEY
        )["ARN"]
        monkeypatch.setenv("CUSTOMER_TOKEN_SECRET_ARN", arn)
        reset_settings()
        customer_tokens.forget_key()
        yield arn
        customer_tokens.forget_key()
        reset_settings()


def signed(claims: dict[str, Any], key: str | bytes = KEY, **headers: Any) -> str:
    return jwt.encode(claims, key, algorithm="HS256", headers=headers or None)


def valid_claims(**changes: Any) -> dict[str, Any]:
    now = int(NOW.timestamp())
    return {"sub": "ct_1", "iid": "in_1", "typ": "customer", "iat": now, "exp": now + 60, "jti": "ctk_1"} | changes


def refusal(token: str) -> str:
    with pytest.raises(CustomerTokenError) as caught:
        verify(token)
    return caught.value.reason


# --- what a token says -------------------------------------------------------------------------------------


def test_a_token_names_the_contact_and_the_interaction_for_two_hours_by_default(secret: str) -> None:
    token, expires_at = issue("in_42", "ct_7")
    assert expires_at == "2026-11-25T12:00:00.000Z"
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT"}  # no key id: nothing to look up, nothing to confuse
    raw = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    assert set(raw) == {"sub", "iid", "typ", "iat", "exp", "jti"}
    assert (raw["sub"], raw["iid"], raw["typ"]) == ("ct_7", "in_42", "customer")
    assert raw["exp"] - raw["iat"] == 7200 and raw["iat"] == int(NOW.timestamp())
    assert raw["jti"].startswith("ctk_")
    claims = verify(token)
    assert (claims.contact_id, claims.interaction_id, claims.token_id) == ("ct_7", "in_42", raw["jti"])
    assert claims.issued_at == NOW and claims.expires_at == NOW + timedelta(hours=2)
    assert claims.name is None


def test_every_token_has_its_own_id(secret: str) -> None:
    ids = {verify(issue("in_1", "ct_1")[0]).token_id for _ in range(20)}
    assert len(ids) == 20


def test_the_lifetime_follows_the_setting_or_the_caller(secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_TOKEN_TTL_SECONDS", "600")
    reset_settings()
    assert issue("in_1", "ct_1")[1] == "2026-11-25T10:10:00.000Z"
    assert issue("in_1", "ct_1", ttl_seconds=30)[1] == "2026-11-25T10:00:30.000Z"
    with pytest.raises(ValueError, match="at least one second"):
        issue("in_1", "ct_1", ttl_seconds=0)


@pytest.mark.parametrize(("value", "message"), [("0", "greater than 0"), ("86401", "less than or equal to 86400")])
def test_a_lifetime_out_of_range_is_a_settings_error(monkeypatch: pytest.MonkeyPatch, value: str, message: str) -> None:
    monkeypatch.setenv("CUSTOMER_TOKEN_TTL_SECONDS", value)
    reset_settings()
    try:
        with pytest.raises(SettingsError, match=f"CUSTOMER_TOKEN_TTL_SECONDS: .*{message}"):
            customer_tokens.get_settings()
    finally:
        reset_settings()


def test_the_customer_name_may_ride_along(secret: str) -> None:
    token, _ = issue("in_1", "ct_1", name="Dana Q. " + "x" * 200)
    name = verify(token).name
    assert name is not None and name.startswith("Dana Q. ") and len(name) == 80


def test_a_token_needs_an_interaction_and_a_contact(secret: str) -> None:
    with pytest.raises(ValueError, match="names its interaction and its contact"):
        issue("", "ct_1")
    with pytest.raises(ValueError, match="names its interaction and its contact"):
        issue("in_1", "")


# --- refusals ------------------------------------------------------------------------------------------------


def test_an_expired_token_is_refused(secret: str, moments: list[datetime]) -> None:
    token, _ = issue("in_1", "ct_1", ttl_seconds=60)
    moments.append(NOW + timedelta(seconds=59))
    assert verify(token).interaction_id == "in_1"
    moments.append(NOW + timedelta(seconds=60))
    assert refusal(token) == "expired"
    moments.append(NOW + timedelta(days=3))
    assert refusal(token) == "expired"


def test_a_token_signed_with_another_key_is_refused(secret: str) -> None:
    assert refusal(signed(valid_claims(), "another-key-of-at-least-thirty-two-bytes!")) == "invalid"


def test_a_tampered_token_is_refused(secret: str) -> None:
    token, _ = issue("in_1", "ct_1")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    other = base64.urlsafe_b64encode(json.dumps({**claims, "iid": "in_2"}).encode()).rstrip(b"=").decode()
    assert refusal(f"{header}.{other}.{signature}") == "invalid"
    assert refusal(f"{header}.{payload}.") == "invalid"


@pytest.mark.parametrize("typ", ["agent", "id", "", None])
def test_a_token_of_another_type_is_refused_even_with_our_signature(secret: str, typ: str | None) -> None:
    claims = valid_claims(typ=typ)
    if typ is None:
        del claims["typ"]
        assert refusal(signed(claims)) == "invalid"  # typ is a required claim
    else:
        assert refusal(signed(claims)) == "not-customer-token"


def test_an_unsigned_token_is_refused(secret: str) -> None:
    unsigned = jwt.encode(valid_claims(), None, algorithm="none")  # type: ignore[arg-type]
    assert refusal(unsigned) == "invalid"
    assert not looks_like_customer_token(unsigned)


@pytest.mark.parametrize("missing", ["sub", "iid", "iat", "exp", "jti"])
def test_a_token_without_a_required_claim_is_refused(secret: str, missing: str) -> None:
    claims = valid_claims()
    del claims[missing]
    assert refusal(signed(claims)) == "invalid"


def test_empty_or_odd_claims_are_refused(secret: str) -> None:
    assert refusal(signed(valid_claims(sub=""))) == "invalid"
    assert refusal(signed(valid_claims(iid=7))) == "invalid"
    assert refusal(signed(valid_claims(exp="soon"))) == "invalid"
    assert refusal("") == "invalid"
    assert refusal("not.a.token") == "invalid"


def _moto_private_key() -> Any:
    jwk = json.loads(gzip.decompress((MOTO_KEYS / "jwks-private.json.gz").read_bytes()))
    return jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))


def _moto_public_pem() -> bytes:
    jwks = json.loads(gzip.decompress((MOTO_KEYS / "jwks-public.json.gz").read_bytes()))
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwks["keys"][0]))
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)  # type: ignore[union-attr]


def test_a_cognito_id_token_is_not_a_customer_token(secret: str) -> None:
    now = int(NOW.timestamp())
    cognito = jwt.encode(
        {"sub": "u-1", "token_use": "id", "iat": now, "exp": now + 3600, "typ": "customer", "iid": "in_1", "jti": "x"},
        _moto_private_key(),
        algorithm="RS256",
        headers={"kid": "dummy"},
    )
    assert not looks_like_customer_token(cognito)
    assert refusal(cognito) == "invalid"  # even with every customer claim: RS256 is not our algorithm


def test_the_pool_public_key_used_as_an_hmac_secret_is_refused(secret: str) -> None:
    """The classic algorithm confusion: HS256 keyed with the RSA public key everyone can fetch."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(valid_claims()).encode()).rstrip(b"=")
    signature = hmac.new(_moto_public_pem(), header + b"." + payload, hashlib.sha256).digest()
    token = b".".join([header, payload, base64.urlsafe_b64encode(signature).rstrip(b"=")]).decode()
    assert looks_like_customer_token(token)  # the header may say anything; only the signature decides
    assert refusal(token) == "invalid"


def test_a_customer_token_with_a_key_id_is_not_taken_for_one(secret: str) -> None:
    token = signed(valid_claims(), kid="dummy")
    assert not looks_like_customer_token(token)  # goes to the Cognito verifier, which refuses HS256
    assert looks_like_customer_token(issue("in_1", "ct_1")[0])
    assert not looks_like_customer_token("garbage")


# --- the key -------------------------------------------------------------------------------------------------


def test_the_key_is_read_once_per_warm_function(secret: str) -> None:
    for _ in range(5):
        verify(issue("in_1", "ct_1")[0])
    info = customer_tokens._key_of.cache_info()
    assert (info.misses, info.currsize) == (1, 1)


def test_a_short_key_is_refused(secret: str) -> None:
    boto3.client("secretsmanager", region_name="us-east-1").put_secret_value(SecretId=secret, SecretString="short")
    customer_tokens.forget_key()
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        issue("in_1", "ct_1")


def test_without_the_secret_setting_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMER_TOKEN_SECRET_ARN", raising=False)
    reset_settings()
    try:
        with pytest.raises(SettingsError, match="CUSTOMER_TOKEN_SECRET_ARN is not set"):
            issue("in_1", "ct_1")
    finally:
        reset_settings()
