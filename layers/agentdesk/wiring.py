"""Every function of the product and what triggers it, declared once.

The CDK app builds its Lambda functions, routes, stream mappings, schedules and state-machine
substitutions from this module; the local stack builds its gateway routes, pollers and Lambda
registry from it too. A test synthesizes the app and checks the template against this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Access(StrEnum):
    READ = "read"
    WRITE = "write"  # read and write


@dataclass(frozen=True)
class WebSocketRoute:
    """An API Gateway WebSocket route; two-way routes send the handler's returned body back as the reply."""

    route_key: str
    two_way: bool = True


@dataclass(frozen=True)
class WebSocketAuthorizer:
    """The `$connect` REQUEST authorizer (identity source: the `token` query string parameter)."""

    identity_source: str = "route.request.querystring.token"


@dataclass(frozen=True)
class HttpRoute:
    """An HTTP API route; `authorized` routes sit behind the Cognito JWT authorizer."""

    method: str
    path: str
    authorized: bool = True


@dataclass(frozen=True)
class TableStream:
    """A DynamoDB stream event source mapping (new images), with partial batch failure reporting."""

    table: str
    batch_size: int = 100


@dataclass(frozen=True)
class KinesisSource:
    stream: str
    batch_size: int = 100


@dataclass(frozen=True)
class StateMachineTask:
    """The function is a task of a state machine; `substitution` is the ASL placeholder for its ARN."""

    state_machine: str
    substitution: str


Trigger = WebSocketRoute | WebSocketAuthorizer | HttpRoute | TableStream | KinesisSource | StateMachineTask


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class Table:
    """A DynamoDB table: `setting` is the Settings attribute (and upper-cased, the environment variable)."""

    setting: str
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    stream: bool = False

    @property
    def env_var(self) -> str:
        return self.setting.upper()


@dataclass(frozen=True)
class StateMachine:
    """A state machine whose ASL lives in statemachines/<file>; functions name it in `starts` to run it."""

    file: str
    description: str


@dataclass(frozen=True)
class Function:
    """One Lambda function. Its code is functions/<name with dashes as underscores>/handler.py:handler."""

    name: str
    description: str
    triggers: tuple[Trigger, ...]
    tables: dict[str, Access] = field(default_factory=dict)
    pushes: bool = False  # may post to WebSocket connections
    manages_users: bool = False  # may create, update and disable Cognito users and their groups
    starts: tuple[str, ...] = ()  # state machines it may start or stop
    publishes_to: tuple[str, ...] = ()  # Kinesis streams it writes
    timeout_seconds: int = 10
    memory_mb: int = 512

    @property
    def directory(self) -> str:
        return self.name.replace("-", "_")

    @property
    def module(self) -> str:
        return f"functions.{self.directory}.handler"


TABLES: dict[str, Table] = {
    "connections": Table(
        setting="connections_table",
        partition_key="connectionId",
        indexes=(Index("byUser", "userId", "connectionId"),),
        ttl_attribute="expiresAt",
    ),
    # The transactional outbox: every state change writes its event here in the same transaction.
    "events": Table(
        setting="events_table",
        partition_key="eventId",
        ttl_attribute="expiresAt",
        stream=True,
    ),
    # Everything an admin configures: pk = kind (user, team, site, queue, pauseCode, ...), sk = id.
    "config": Table(setting="config_table", partition_key="pk", sort_key="sk"),
    # Agent state and time & attendance: pk = agent id; sk = "state", "session#<start>", "pause#<start>".
    "agents": Table(setting="agents_table", partition_key="pk", sort_key="sk"),
}

STATE_MACHINES: dict[str, StateMachine] = {}

KINESIS_STREAMS: tuple[str, ...] = ()

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="ws-authorizer",
        description="Verifies the Cognito IdToken on $connect and hands the principal to the route handlers.",
        triggers=(WebSocketAuthorizer(),),
    ),
    Function(
        name="ws-connect",
        description="Records a new WebSocket connection.",
        triggers=(WebSocketRoute("$connect", two_way=False),),
        tables={"connections": Access.WRITE},
    ),
    Function(
        name="ws-disconnect",
        description="Removes a closed WebSocket connection.",
        triggers=(WebSocketRoute("$disconnect", two_way=False),),
        tables={"connections": Access.WRITE},
    ),
    Function(
        name="ws-commands",
        description="Agent and supervisor commands sent over the WebSocket; replies with one ack or error.",
        triggers=(WebSocketRoute("$default"), WebSocketRoute("whoami")),
        tables={"connections": Access.READ},
    ),
    Function(
        name="http-api",
        description="The signed-in user's HTTP API (/api/me).",
        triggers=(HttpRoute("GET", "/api/me"),),
    ),
)


def function(name: str) -> Function:
    for fn in FUNCTIONS:
        if fn.name == name:
            return fn
    raise KeyError(name)


def websocket_routes() -> dict[str, Function]:
    return {t.route_key: fn for fn in FUNCTIONS for t in fn.triggers if isinstance(t, WebSocketRoute)}


def http_routes() -> list[tuple[HttpRoute, Function]]:
    return [(t, fn) for fn in FUNCTIONS for t in fn.triggers if isinstance(t, HttpRoute)]


def authorizer() -> Function:
    return next(fn for fn in FUNCTIONS if any(isinstance(t, WebSocketAuthorizer) for t in fn.triggers))
