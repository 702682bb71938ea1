"""Every function of the product and what triggers it, declared once.

The CDK app builds its Lambda functions, routes, stream mappings, schedules and state-machine
substitutions from this module; the local stack builds its gateway routes, pollers and Lambda
registry from it too. A test synthesizes the app and checks the template against this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
    """A DynamoDB stream event source mapping (new images), with partial batch failure reporting. With
    `only_types`, Lambda's event filtering hands the function only new events of those types (the others
    never invoke it); the local event source mapping applies the same filter."""

    table: str
    batch_size: int = 100
    only_types: tuple[str, ...] = ()

    def filter_pattern(self) -> dict[str, Any] | None:
        """The event filtering pattern (Lambda's syntax), or None to deliver every record."""
        if not self.only_types:
            return None
        return {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": list(self.only_types)}}}}


@dataclass(frozen=True)
class KinesisSource:
    stream: str
    batch_size: int = 100


@dataclass(frozen=True)
class StateMachineTask:
    """The function is a task of a state machine; `substitution` is the ASL placeholder for its ARN."""

    state_machine: str
    substitution: str


@dataclass(frozen=True)
class Deployment:
    """Run by CloudFormation on every deployment whose `version` changed (a custom resource). The local
    stack has no deployments: it calls the same service function when it starts."""

    version: str


@dataclass(frozen=True)
class Every:
    """Invoked at a fixed rate by an EventBridge rule (a scheduled event); the local stack provisions the same
    rule and its scheduler fires it."""

    minutes: int

    def __post_init__(self) -> None:
        if self.minutes < 1:
            raise ValueError("a rate is at least one minute")

    @property
    def expression(self) -> str:
        """The rule's schedule expression, as EventBridge spells it."""
        return f"rate({self.minutes} minute{'' if self.minutes == 1 else 's'})"


Trigger = (
    WebSocketRoute
    | WebSocketAuthorizer
    | HttpRoute
    | TableStream
    | KinesisSource
    | StateMachineTask
    | Deployment
    | Every
)


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
    pushes: bool = False  # may use the WebSocket management API: post to, check and close connections
    manages_users: bool = False  # may create, update and disable Cognito users and their groups
    customer_tokens: bool = False  # issues or verifies customer (chat) tokens: may read their signing secret
    starts: tuple[str, ...] = ()  # state machines it may start or stop
    schedules: tuple[str, ...] = ()  # state machines it keeps EventBridge Scheduler schedules for
    publishes_to: tuple[str, ...] = ()  # Kinesis streams it writes
    lake: Access | None = None  # the lake bucket (raw events, report exports): READ, or WRITE to export
    timeout_seconds: int = 10
    memory_mb: int = 512
    # Concurrent instances kept for it and never exceeded (None: it shares the account's unreserved pool).
    reserved_concurrency: int | None = None

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
        indexes=(Index("byUser", "userId", "connectionId"), Index("byRole", "role", "connectionId")),
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
    # A sparse index lists the logged-in agents of each site (for the midnight logoff; the presence sweep scans it).
    "agents": Table(
        setting="agents_table",
        partition_key="pk",
        sort_key="sk",
        indexes=(Index("loggedInBySite", "loggedInSite", "pk"),),
    ),
    # Powertools idempotency records of the stream consumers (keyed by a hash of the eventId).
    "idempotency": Table(setting="idempotency_table", partition_key="id", ttl_attribute="expiration"),
    # Reporting: pk "day#<site-local date>", sk "agent#<id>" (the day's sums); pk "event#<eventId>" (the guard that
    # counts each event once, expiring); pk "dead#<UTC date>" (records that are no known event, expiring).
    "reporting": Table(setting="reporting_table", partition_key="pk", sort_key="sk", ttl_attribute="expiresAt"),
    # Interactions: pk = interaction id, sk "interaction" (the aggregate) or "m#<seq>" (its messages); and the
    # performance counters, pk "agent#<id>", sk "today#<date>". Indexes: an agent's open and recent ones, a
    # contact's history, and (sparse) what waits in each queue, oldest first.
    "interactions": Table(
        setting="interactions_table",
        partition_key="pk",
        sort_key="sk",
        indexes=(
            Index("byAgent", "agentKey", "sortKey"),
            Index("byContact", "contactId", "queuedAt"),
            Index("waiting", "waitingQueue", "queuedAt"),
        ),
    ),
    # The routing read model: pk "queue#<id>" or "queue#<id>#skill#<skill>", sk agent id; who may be offered work,
    # kept from the events. Indexes: (sparse) the agents who may be offered work now, best first; an agent's rows.
    "routing": Table(
        setting="routing_table",
        partition_key="pk",
        sort_key="sk",
        indexes=(Index("ranked", "pk", "rank"), Index("byAgent", "sk", "pk")),
    ),
}

STATE_MACHINES: dict[str, StateMachine] = {
    "presence": StateMachine(
        file="presence.asl.json",
        description="Disconnect grace: Away/Disconnected if the agent stays gone while Available.",
    ),
    "scheduled-logoff": StateMachine(
        file="scheduled_logoff.asl.json",
        description="Midnight logoff of every logged-in agent of a site, reason AUTO.",
    ),
    "offer-timeout": StateMachine(
        file="offer_timeout.asl.json",
        description="An offer's time to answer: withdraws the offer if still open and routes the interaction again.",
    ),
    "wrap-up": StateMachine(
        file="wrap_up.asl.json",
        description="An interaction's wrap-up time: writes Unsure / No agent submission if the agent has not.",
    ),
}

# The WebSocket actions of the interactions context (interactions/ws.py); customers may send the last five.
INTERACTION_ACTIONS: tuple[str, ...] = (
    "accept",
    "reject",
    "endInteraction",
    "submitDisposition",
    "listInteractions",
    "getInteraction",
    "getPerformance",
    "addNote",
    "addTag",
    "removeTag",
    "useCannedMessage",
    "setAutoAnswer",
    "transfer",
    "confirmTransfer",
    "cancelTransfer",
    "listTransferTargets",
    "listQueueStats",
    "listTeamInteractions",
    "watchInteraction",
    "unwatchInteraction",
    "sendMessage",
    "typing",
    "endChat",
    "rate",
    "getChat",
)
# What an interaction's events change for routing: the router routes and starts the timers on these.
ROUTER_EVENTS: tuple[str, ...] = (
    "interaction.queued",
    "interaction.offered",
    "interaction.offer.rejected",
    "interaction.offer.expired",
    "interaction.transferred",
    "interaction.ended",
    "agent.state.changed",
    "config.changed",  # a user's raised capacity, new queue or skill: waiting work they may take now
)
# Tables a function that routes needs: it claims an agent (agents) for an interaction in one transaction.
ROUTING_TABLES: dict[str, Access] = {
    "interactions": Access.WRITE,
    "routing": Access.READ,
    "agents": Access.WRITE,
    "events": Access.WRITE,
    "config": Access.READ,
}

# Kinesis data streams by key; the physical name reaches functions as EVENT_STREAM.
KINESIS_STREAMS: tuple[str, ...] = ("events",)

# The config API (services/config_api.py): five routes per collection, and the settings singleton.
CONFIG_COLLECTIONS: tuple[str, ...] = (
    "users",
    "teams",
    "sites",
    "skills",
    "queues",
    "pause-codes",
    "disposition-sets",
    "canned-messages",
    "tags",
    "integrations",
)
CONFIG_API_ROUTES: tuple[HttpRoute, ...] = (
    *(
        HttpRoute(method, f"/api/{collection}{suffix}")
        for collection in CONFIG_COLLECTIONS
        for method, suffix in (("GET", ""), ("POST", ""), ("GET", "/{id}"), ("PUT", "/{id}"), ("DELETE", "/{id}"))
    ),
    HttpRoute("GET", "/api/settings"),
    HttpRoute("PUT", "/api/settings"),
)
# Each path once more for any other method, so the handler answers 405 with Allow where API Gateway would
# answer a bare 404 (a more specific route always wins over ANY).
OTHER_METHODS: tuple[HttpRoute, ...] = tuple(
    HttpRoute("ANY", path) for path in dict.fromkeys(r.path for r in (HttpRoute("GET", "/api/me"), *CONFIG_API_ROUTES))
) + tuple(  # the routes without sign-in too: API Gateway would answer a bare 404 before any authentication
    HttpRoute("ANY", path, authorized=False)
    for path in (
        "/api/chat/topics",
        "/api/chat/sessions",
        "/api/ingress/interactions",
        "/api/ingress/interactions/{id}/events",
    )
)

# The reports API (reporting/api.py): its own function, reading the lake bucket only; each path once more for
# any other method (405 with Allow).
REPORTS_API_PATHS = ("/api/reports", "/api/reports/{report}/files", "/api/reports/{report}/rows")
REPORTS_API_ROUTES: tuple[HttpRoute, ...] = (
    *(HttpRoute("GET", path) for path in REPORTS_API_PATHS),
    *(HttpRoute("ANY", path) for path in REPORTS_API_PATHS),
)

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="ws-authorizer",
        description="Verifies the token on $connect (a Cognito IdToken, checked against the directory: deleted, "
        "disabled, current role; or a customer's chat token) and hands the principal to the route handlers.",
        triggers=(WebSocketAuthorizer(),),
        tables={"config": Access.READ},
        customer_tokens=True,
    ),
    Function(
        name="ws-connect",
        description="Records a new WebSocket connection and stops the agent's disconnect-grace timer.",
        triggers=(WebSocketRoute("$connect", two_way=False),),
        tables={"connections": Access.WRITE, "agents": Access.WRITE},
        starts=("presence",),
    ),
    Function(
        name="ws-disconnect",
        description="Removes a closed WebSocket connection; the agent's last one starts the disconnect grace.",
        triggers=(WebSocketRoute("$disconnect", two_way=False),),
        tables={"connections": Access.WRITE, "agents": Access.WRITE, "config": Access.READ},
        pushes=True,  # asks API Gateway whether the agent's other recorded connections are still open
        starts=("presence",),
    ),
    Function(
        name="ws-commands",
        description="Agent and supervisor commands sent over the WebSocket; replies with one ack or error.",
        triggers=(
            WebSocketRoute("$default"),
            WebSocketRoute("whoami"),
            WebSocketRoute("ping"),
            WebSocketRoute("login"),
            WebSocketRoute("logoff"),
            WebSocketRoute("setStatus"),
            WebSocketRoute("getState"),
            WebSocketRoute("forceStatus"),
            WebSocketRoute("forceLogoff"),
            WebSocketRoute("listAgentStates"),
            *(WebSocketRoute(name) for name in INTERACTION_ACTIONS),
            WebSocketRoute("getMetricsToday"),
        ),
        tables={**ROUTING_TABLES, "connections": Access.READ, "reporting": Access.READ},
        pushes=True,  # messages and typing go straight to the connections of the people on the interaction
        # The WebSocket stage's 500 messages/s at ~100 ms a command; a flood cannot take the account's whole pool.
        reserved_concurrency=50,
    ),
    Function(
        name="presence-check",
        description="Task of the presence state machine: marks a still-disconnected Available agent Away.",
        triggers=(StateMachineTask("presence", "PresenceCheckFunctionArn"),),
        tables={"agents": Access.WRITE, "events": Access.WRITE, "connections": Access.READ, "config": Access.READ},
        pushes=True,  # asks API Gateway whether the agent's recorded connections are still open
    ),
    Function(
        name="presence-sweep",
        description="Every 5 minutes: starts the disconnect grace of logged-in agents left with no open "
        "connection and no grace timer (their connection record expired without a $disconnect), and writes an "
        "agent.heartbeat event of every logged-in agent.",
        triggers=(Every(minutes=5),),
        tables={"agents": Access.WRITE, "connections": Access.READ, "config": Access.READ, "events": Access.WRITE},
        pushes=True,  # asks API Gateway whether the agents' recorded connections are still open
        starts=("presence",),
        timeout_seconds=120,
    ),
    Function(
        name="scheduled-logoff",
        description="Task of the scheduled-logoff state machine: finds a site's logged-in agents, logs each off.",
        triggers=(StateMachineTask("scheduled-logoff", "ScheduledLogoffFunctionArn"),),
        tables={"agents": Access.WRITE, "events": Access.WRITE, "config": Access.READ},
        timeout_seconds=60,
    ),
    Function(
        name="publisher",
        description="Forwards each new event in the outbox to Kinesis and pushes it to the WebSocket connections "
        "that should hear of it; idempotent on eventId.",
        triggers=(TableStream("events"),),
        tables={
            "connections": Access.WRITE,
            "idempotency": Access.WRITE,
            "config": Access.READ,
            "agents": Access.WRITE,  # the presence timer of an agent whose last connection answered 410
        },
        pushes=True,
        starts=("presence",),  # a connection found gone may have been the agent's last one
        publishes_to=("events",),
        timeout_seconds=30,
        # Pushes keep flowing while commands or the config API take the rest of the account's pool.
        reserved_concurrency=10,
    ),
    Function(
        name="site-schedules",
        description="Keeps one EventBridge Scheduler schedule per site: the midnight logoff in the site's time zone.",
        triggers=(TableStream("events", only_types=("config.changed",)),),
        tables={"config": Access.READ},
        schedules=("scheduled-logoff",),
        timeout_seconds=30,
    ),
    Function(
        name="end-sessions",
        description="Ends the open sessions of a user who was deleted, disabled or given another role: logs a "
        "deleted or disabled agent off, tells each open tab why, closes the connections.",
        triggers=(TableStream("events", only_types=("config.changed",)),),
        tables={"agents": Access.WRITE, "events": Access.WRITE, "config": Access.READ, "connections": Access.WRITE},
        pushes=True,
        timeout_seconds=30,
    ),
    Function(
        name="install-defaults",
        description="On deployment: creates the default and system pause codes that do not exist yet.",
        triggers=(Deployment(version="1"),),
        tables={"config": Access.WRITE, "events": Access.WRITE},
        timeout_seconds=60,
    ),
    Function(
        name="http-api",
        description="The HTTP API: the signed-in user (/api/me), the config API and its OpenAPI document; chats "
        "customers open (no sign-in); other channels' interactions from outside systems (/api/ingress/..., "
        "signed with an integration's key).",
        triggers=(
            HttpRoute("GET", "/api/me"),
            *CONFIG_API_ROUTES,
            HttpRoute("GET", "/api/chat/topics", authorized=False),
            HttpRoute("POST", "/api/chat/sessions", authorized=False),
            # Outside systems (other channels): the handler checks the integration's key and HMAC signature.
            HttpRoute("POST", "/api/ingress/interactions", authorized=False),
            HttpRoute("POST", "/api/ingress/interactions/{id}/events", authorized=False),
            HttpRoute("GET", "/api/openapi.json", authorized=False),
            HttpRoute("GET", "/api/docs", authorized=False),
            *OTHER_METHODS,
        ),
        tables={**ROUTING_TABLES, "config": Access.WRITE, "idempotency": Access.WRITE},  # ingress: replay guard
        manages_users=True,
        customer_tokens=True,  # issues the token of a chat it opens
    ),
    Function(
        name="router",
        description="Routes interactions from the stream: a new one, one back in its queue, the queue's oldest "
        "waiting ones when an agent frees up; starts the offer and wrap-up timers.",
        triggers=(TableStream("events", only_types=ROUTER_EVENTS),),
        tables=ROUTING_TABLES,
        starts=("offer-timeout", "wrap-up"),
        timeout_seconds=60,
    ),
    Function(
        name="routing-model",
        description="Keeps the routing read model: per queue, each agent's routable state, free slots, "
        "proficiency and idle time, from agent.state.changed and user changes.",
        triggers=(TableStream("events", only_types=("agent.state.changed", "config.changed")),),
        tables={"routing": Access.WRITE, "agents": Access.READ, "config": Access.READ},
        timeout_seconds=60,
    ),
    Function(
        name="offer-expiry",
        description="Task of the offer-timeout state machine: withdraws an offer nobody answered and routes the "
        "interaction again.",
        triggers=(StateMachineTask("offer-timeout", "OfferExpiryFunctionArn"),),
        tables=ROUTING_TABLES,
    ),
    Function(
        name="wrap-up-timeout",
        description="Task of the wrap-up state machine: writes Unsure / No agent submission unless the agent has "
        "submitted a disposition, and ends the agent's wrap-up.",
        triggers=(StateMachineTask("wrap-up", "WrapUpTimeoutFunctionArn"),),
        tables={"interactions": Access.WRITE, "agents": Access.WRITE, "events": Access.WRITE, "config": Access.READ},
    ),
    Function(
        name="reporting-aggregator",
        description="Adds each event on the Kinesis stream once (idempotent on eventId) to the day's metrics per "
        "agent and queue (bad records kept as dead letters), then pushes metrics.today for what changed (throttled).",
        triggers=(KinesisSource("events", batch_size=500),),
        tables={
            "reporting": Access.WRITE,
            "config": Access.READ,
            "connections": Access.READ,
            # a queue now (waiting, agents routable), for the queues' metrics.today
            "interactions": Access.READ,
            "routing": Access.READ,
        },
        pushes=True,
        timeout_seconds=60,
    ),
    Function(
        name="reporting-export",
        description="Hourly, and on demand: writes each site's report files (Parquet and CSV) for the local day "
        "that ended, from the event lake, with DuckDB.",
        triggers=(Every(minutes=60),),
        tables={"config": Access.READ},
        lake=Access.WRITE,
        timeout_seconds=600,
        memory_mb=2048,
    ),
    Function(
        name="reports-api",
        description="The reports API: the report catalogue, each report's exported files (presigned URLs) and a "
        "day's rows as JSON, for supervisors and admins (supervisors: their teams' rows). The lake bucket read-only.",
        triggers=REPORTS_API_ROUTES,
        tables={"config": Access.READ},
        lake=Access.READ,
        timeout_seconds=30,
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
