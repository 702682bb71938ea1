"""Settings parsed once from the environment into a typed model: every variable the product reads is declared here.

The CDK app and the local stack set the same variables; nothing here knows which one is running. Values with a
right default (region, log level, rate limits, connection TTL) have it; values only some functions need (table
names, the user pool, the management endpoint, the event stream, state machines) are optional in the model and
read through `require`, which fails with a `SettingsError` naming the variable. A deployed function is told its
wiring name (AGENTDESK_FUNCTION) and checks, the first time settings are read, every variable its wiring needs.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BeforeValidator, Field, PlainSerializer, PlainValidator, ValidationError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from agentdesk import wiring
from agentdesk.kernel import rate_limits
from agentdesk.kernel.rate_limits import Limit


class SettingsError(RuntimeError):
    """A setting is missing or invalid; the message names the environment variable."""


def _limit(value: Any) -> Limit:
    return value if isinstance(value, Limit) else Limit.parse(str(value))


# "<per second>/<burst>" in the environment, a Limit in the model; NoDecode: the text is not JSON.
LimitSetting = Annotated[Limit, NoDecode, PlainValidator(_limit), PlainSerializer(str, return_type=str)]


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _env(name: str, description: str) -> Any:
    """An optional value some functions cannot work without (read it with `Settings.require`)."""
    return Field(default=None, validation_alias=name, description=description)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, env_ignore_empty=True, validate_by_name=True, extra="ignore")

    # -- every function ---------------------------------------------------------------------------------
    region: str = Field(
        default="us-east-1",
        validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"),
        description="AWS region of the clients (Lambda sets AWS_REGION; AWS_DEFAULT_REGION is the fallback).",
    )
    aws_endpoint_url: str | None = Field(
        default=None,
        validation_alias="AWS_ENDPOINT_URL",
        description="Endpoint of every AWS client: the local stack's moto server; unset in an AWS account.",
    )
    log_level: Annotated[LogLevel, BeforeValidator(lambda v: v.upper() if isinstance(v, str) else v)] = Field(
        default="INFO", validation_alias="LOG_LEVEL", description="Log level (Powertools Logger reads it too)."
    )
    service_name: str = Field(
        default="agentdesk",
        validation_alias="POWERTOOLS_SERVICE_NAME",
        description="Service name in logs, traces and metrics (read by Powertools).",
    )
    metrics_namespace: str = Field(
        default="AgentDesk",
        validation_alias="POWERTOOLS_METRICS_NAMESPACE",
        description="CloudWatch namespace of the metrics (read by Powertools).",
    )
    function: str | None = Field(
        default=None,
        validation_alias="AGENTDESK_FUNCTION",
        description="The function's name in the wiring; its required settings are checked on first read.",
    )

    # -- tables (Table.setting in the wiring is the attribute; upper-cased, the variable) -----------------
    connections_table: str | None = _env("CONNECTIONS_TABLE", "DynamoDB table of the WebSocket connections.")
    agents_table: str | None = _env("AGENTS_TABLE", "DynamoDB table of agent state and time & attendance.")
    events_table: str | None = _env("EVENTS_TABLE", "DynamoDB table of the outbox (domain events).")
    config_table: str | None = _env("CONFIG_TABLE", "DynamoDB table of everything an admin configures.")
    idempotency_table: str | None = _env("IDEMPOTENCY_TABLE", "DynamoDB table of the idempotency records.")
    reporting_table: str | None = _env(
        "REPORTING_TABLE", "DynamoDB table of the reporting metrics (per agent per local day) and dead letters."
    )
    interactions_table: str | None = _env(
        "INTERACTIONS_TABLE", "DynamoDB table of interactions, their messages and the performance counters."
    )
    routing_table: str | None = _env(
        "ROUTING_TABLE", "DynamoDB table of the routing read model (agents per queue and skill, ranked)."
    )

    # -- tokens ---------------------------------------------------------------------------------------
    user_pool_id: str | None = _env("USER_POOL_ID", "Cognito user pool: the issuer of tokens, the directory.")
    user_pool_client_id: str | None = _env("USER_POOL_CLIENT_ID", "Cognito app client: the audience of tokens.")
    cognito_jwks_url: str | None = _env(
        "COGNITO_JWKS_URL", "Key set of the token signatures; default: the issuer's (the local stack sets its own)."
    )
    customer_token_secret_arn: str | None = _env(
        "CUSTOMER_TOKEN_SECRET_ARN", "Secrets Manager secret the customer (chat) tokens are signed with."
    )

    # -- what functions reach -------------------------------------------------------------------------
    ws_management_endpoint: str | None = _env(
        "WS_MANAGEMENT_ENDPOINT", "WebSocket API management endpoint (push to, check and close connections)."
    )
    event_stream: str | None = _env("EVENT_STREAM", "Kinesis stream the publisher forwards the events to.")
    lake_bucket: str | None = _env("LAKE_BUCKET", "S3 bucket of the event lake (raw/events/) and the report exports.")
    presence_state_machine_arn: str | None = _env(
        "PRESENCE_STATE_MACHINE_ARN", "State machine of the disconnect grace."
    )
    scheduled_logoff_state_machine_arn: str | None = _env(
        "SCHEDULED_LOGOFF_STATE_MACHINE_ARN", "State machine of a site's midnight logoff."
    )
    offer_timeout_state_machine_arn: str | None = _env(
        "OFFER_TIMEOUT_STATE_MACHINE_ARN", "State machine of an offer's time to answer."
    )
    wrap_up_state_machine_arn: str | None = _env(
        "WRAP_UP_STATE_MACHINE_ARN", "State machine of an interaction's wrap-up."
    )
    websocket_url: str | None = _env(
        "WEBSOCKET_URL", "Public URL of the WebSocket API, given to customers who open a chat (wss://...)."
    )
    schedule_group: str | None = _env("SCHEDULE_GROUP", "EventBridge Scheduler group of the site schedules.")
    scheduler_role_arn: str | None = _env(
        "SCHEDULER_ROLE_ARN", "Role EventBridge Scheduler assumes to start the state machines."
    )

    # -- limits ---------------------------------------------------------------------------------------
    connection_ttl_seconds: int = Field(
        default=7200,
        gt=0,
        validation_alias="CONNECTION_TTL_SECONDS",
        description="Seconds a connection record lives without a $disconnect.",
    )
    customer_token_ttl_seconds: int = Field(
        default=7200,
        gt=0,
        le=86400,
        validation_alias="CUSTOMER_TOKEN_TTL_SECONDS",
        description="Seconds a customer's chat token stays valid (at most a day).",
    )
    # Per-client rate limits ("<per second>/<burst>"); the defaults and why are in kernel/rate_limits.py.
    command_limit: LimitSetting = Field(
        default=rate_limits.COMMANDS_PER_CONNECTION,
        validation_alias="RATE_LIMIT_COMMANDS",
        description="WebSocket commands per connection.",
    )
    config_request_limit: LimitSetting = Field(
        default=rate_limits.CONFIG_REQUESTS_PER_USER,
        validation_alias="RATE_LIMIT_CONFIG_REQUESTS",
        description="Config API requests per user.",
    )
    connect_limit: LimitSetting = Field(
        default=rate_limits.CONNECTS_PER_SOURCE_IP,
        validation_alias="RATE_LIMIT_CONNECTS",
        description="WebSocket connects per source address (local gateway).",
    )
    chat_session_limit: LimitSetting = Field(
        default=rate_limits.CHAT_SESSIONS_PER_SOURCE_IP,
        validation_alias="RATE_LIMIT_CHAT_SESSIONS",
        description="Chats opened (POST /api/chat/sessions) per source address.",
    )
    chat_topics_limit: LimitSetting = Field(
        default=rate_limits.CHAT_TOPICS_PER_SOURCE_IP,
        validation_alias="RATE_LIMIT_CHAT_TOPICS",
        description="Reads of the public chat topics (GET /api/chat/topics) per source address.",
    )
    ingress_request_limit: LimitSetting = Field(
        default=rate_limits.INGRESS_REQUESTS_PER_INTEGRATION,
        validation_alias="RATE_LIMIT_INGRESS_REQUESTS",
        description="Ingress API requests (other channels) per integration.",
    )
    refused_token_limit: LimitSetting = Field(
        default=rate_limits.REFUSED_TOKENS_PER_SOURCE_IP,
        validation_alias="RATE_LIMIT_REFUSED_TOKENS",
        description="Refused tokens at $connect per source address.",
    )

    def require(self, name: str) -> str:
        """The value of an optional setting this code cannot work without; SettingsError names the variable."""
        value = getattr(self, name)
        if not value:
            raise SettingsError(f"{variable(name)} is not set ({Settings.model_fields[name].description})")
        return str(value)

    def require_for(self, function: wiring.Function) -> None:
        """Fail when any setting the function's wiring needs is missing, naming every such variable."""
        missing = [variable(name) for name in required_settings(function) if not getattr(self, name)]
        if missing:
            raise SettingsError(f"{function.name} needs {', '.join(missing)}, which {_are(missing)} not set")

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.require('user_pool_id')}"

    @property
    def jwks_url(self) -> str:
        return self.cognito_jwks_url or f"{self.issuer}/.well-known/jwks.json"


def variable(name: str) -> str:
    """The environment variable of a Settings attribute (the first, when several are read)."""
    alias = Settings.model_fields[name].validation_alias
    return alias.choices[0] if isinstance(alias, AliasChoices) else str(alias)  # type: ignore[return-value]


def variables() -> dict[str, str]:
    """Every variable the product reads, with its description: the Settings section of docs/architecture.md."""
    return {variable(name): field.description or "" for name, field in Settings.model_fields.items()}


def state_machine_setting(key: str) -> str:
    """The Settings attribute of a state machine of the wiring, e.g. `scheduled-logoff`."""
    return f"{key.replace('-', '_')}_state_machine_arn"


def verifies_tokens(function: wiring.Function) -> bool:
    """Whether the function checks a token itself (the authorizer, the HTTP API) and so needs the user pool."""
    return function.manages_users or any(
        isinstance(t, wiring.WebSocketAuthorizer) or (isinstance(t, wiring.HttpRoute) and t.authorized)
        for t in function.triggers
    )


def required_settings(function: wiring.Function) -> tuple[str, ...]:
    """The Settings attributes the function cannot work without, from what its wiring declares."""
    names = [wiring.TABLES[table].setting for table in function.tables]
    if verifies_tokens(function):
        names += ["user_pool_id", "user_pool_client_id"]
    if function.customer_tokens:
        names.append("customer_token_secret_arn")
    if function.pushes:
        names.append("ws_management_endpoint")
    if "events" in function.publishes_to:
        names.append("event_stream")
    if function.lake is not None:
        names.append("lake_bucket")
    names += [state_machine_setting(key) for key in (*function.starts, *function.schedules)]
    if function.schedules:
        names += ["schedule_group", "scheduler_role_arn"]
    return tuple(dict.fromkeys(names))


def _are(missing: list[str]) -> str:
    return "is" if len(missing) == 1 else "are"


def _message(error: ValidationError) -> str:
    problems = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        where = variable(name) if name in Settings.model_fields else name
        problems.append(f"{where}: {problem['msg']} (got {problem.get('input')!r})")
    return "invalid settings: " + "; ".join(problems)


def load() -> Settings:
    """Parse the environment now (get_settings() caches this); SettingsError names each bad variable."""
    try:
        settings = Settings()
    except ValidationError as exc:
        raise SettingsError(_message(exc)) from None
    if settings.function:
        try:
            spec = wiring.function(settings.function)
        except KeyError:
            raise SettingsError(f"AGENTDESK_FUNCTION: no function {settings.function!r} in the wiring") from None
        settings.require_for(spec)
    return settings


@cache
def get_settings() -> Settings:
    return load()


def reset_settings() -> None:
    """Forget the parsed settings (the local stack and tests change the environment between runs)."""
    get_settings.cache_clear()
