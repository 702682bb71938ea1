"""Settings parsed once from the environment into a typed model.

The CDK app and the local stack set the same variables; nothing here knows which one is running.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from agentdesk.kernel import rate_limits
from agentdesk.kernel.rate_limits import Limit


@dataclass(frozen=True)
class Settings:
    region: str
    connections_table: str
    agents_table: str
    events_table: str
    config_table: str
    idempotency_table: str
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    ws_management_endpoint: str
    connection_ttl_seconds: int
    event_stream: str
    # Per-client rate limits ("<per second>/<burst>"); the defaults and why are in domain/rate_limits.py.
    command_limit: Limit = rate_limits.COMMANDS_PER_CONNECTION
    config_request_limit: Limit = rate_limits.CONFIG_REQUESTS_PER_USER
    connect_limit: Limit = rate_limits.CONNECTS_PER_SOURCE_IP
    refused_token_limit: Limit = rate_limits.REFUSED_TOKENS_PER_SOURCE_IP

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _limit(name: str, default: Limit) -> Limit:
    text = _env(name)
    return Limit.parse(text) if text else default


@cache
def get_settings() -> Settings:
    region = _env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1"))
    pool = _env("USER_POOL_ID")
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool}"
    return Settings(
        region=region,
        connections_table=_env("CONNECTIONS_TABLE", "agentdesk-connections"),
        agents_table=_env("AGENTS_TABLE", "agentdesk-agents"),
        events_table=_env("EVENTS_TABLE", "agentdesk-events"),
        config_table=_env("CONFIG_TABLE", "agentdesk-config"),
        idempotency_table=_env("IDEMPOTENCY_TABLE", "agentdesk-idempotency"),
        user_pool_id=pool,
        user_pool_client_id=_env("USER_POOL_CLIENT_ID"),
        # Production derives the key set from the issuer; the local stack points this at its own Cognito.
        jwks_url=_env("COGNITO_JWKS_URL", f"{issuer}/.well-known/jwks.json"),
        ws_management_endpoint=_env("WS_MANAGEMENT_ENDPOINT"),
        connection_ttl_seconds=int(_env("CONNECTION_TTL_SECONDS", "7200")),
        event_stream=_env("EVENT_STREAM", "agentdesk-events"),
        command_limit=_limit("RATE_LIMIT_COMMANDS", rate_limits.COMMANDS_PER_CONNECTION),
        config_request_limit=_limit("RATE_LIMIT_CONFIG_REQUESTS", rate_limits.CONFIG_REQUESTS_PER_USER),
        connect_limit=_limit("RATE_LIMIT_CONNECTS", rate_limits.CONNECTS_PER_SOURCE_IP),
        refused_token_limit=_limit("RATE_LIMIT_REFUSED_TOKENS", rate_limits.REFUSED_TOKENS_PER_SOURCE_IP),
    )


def reset_settings() -> None:
    """Forget the parsed settings (the local stack and tests change the environment between runs)."""
    get_settings.cache_clear()
