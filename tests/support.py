"""Helpers shared by the test kinds: free ports, Cognito sign-in, and tokens made with moto's own keys."""

from __future__ import annotations

import gzip
import json
import socket
import time
from pathlib import Path
from typing import Any

import boto3
import jwt
import moto.cognitoidp

MOTO_PRIVATE_JWKS = Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign_in(
    aws_endpoint: str, client_id: str, username: str, password: str, region: str = "us-east-1"
) -> str:
    """The IdToken of a USER_PASSWORD_AUTH sign-in, as the web app does it."""
    cognito = boto3.client("cognito-idp", endpoint_url=aws_endpoint, region_name=region)
    result = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={"USERNAME": username, "PASSWORD": password},
    )
    return str(result["AuthenticationResult"]["IdToken"])


def moto_signed_token(claims: dict[str, Any]) -> str:
    """A token signed with the key moto's Cognito signs with: only the claims decide whether it passes."""
    key = jwt.algorithms.RSAAlgorithm.from_jwk(
        json.dumps(json.loads(gzip.decompress(MOTO_PRIVATE_JWKS.read_bytes())))
    )
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})  # type: ignore[arg-type]


def forged_token(claims: dict[str, Any]) -> str:
    """A well-formed token signed with a key nobody trusts."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "dummy"})


def claims_of(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


def shifted(claims: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy of the claims with some replaced; `exp_in` sets expiry relative to now (negative = expired)."""
    out = dict(claims)
    if "exp_in" in changes:
        out["exp"] = int(time.time()) + changes.pop("exp_in")
    out.update(changes)
    return out
