"""Fuzzing the WebSocket protocol through the real ws-commands handler, against DynamoDB in moto.

Every frame is an API Gateway WebSocket MESSAGE event (the route picked by `$request.body.action` as the
gateway picks it, the $connect authorizer's principal on the connection) handed to
`functions.ws_commands.handler.handler`, sent as an agent, a supervisor and an admin. The frames:

- for every registered action (read from ACTIONS, so a new action is fuzzed with no change here): fields of
  the wrong type, missing, unknown, huge (around and beyond the 32 KB frame limit), deeply nested, numbers
  JSON has no room for, text with NUL, control, bidi and lone-surrogate escapes, and other people's agentIds
  (another agent, a supervisor, an admin, nobody, ids of other shapes);
- at the envelope: JSON that is not an object, text that is not JSON, unknown actions, odd requestIds.

For every frame:

- the handler returns exactly one reply (and pushes nothing), JSON, an `ack` or an `error`, valid against
  the message of docs/asyncapi.yaml (the action's ack, or the error); an error's code is one of ErrorCode,
  never INTERNAL_ERROR;
- a requestId that was a valid string (1..128 characters) in a frame a JSON reader can read is echoed;
- a frame the protocol refuses (not an object, not an action, invalid per the document, a role too low, an
  agentId out of the sender's reach) gets an error;
- a refusal changes nothing in the agents table (states, sessions, pauses) or the outbox; an ack changes
  only the agent the frame is about (the sender, or an agentId the sender may act on) and only adds events.

Each example starts from one of a few fixed scenarios (who is logged in, paused, offline), put back by
writing only the items that differ, so an example gives the same result whatever ran before it.

The bugs the fuzz found are kept at the end as regression tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from jsonschema import Draft202012Validator
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends

from agentdesk import wiring
from agentdesk.actions import ACTIONS
from agentdesk.config import defaults as config_defaults
from agentdesk.kernel import push
from agentdesk.kernel.errors import ErrorCode
from agentdesk.kernel.identity import Role
from agentdesk.realtime.envelope import MAX_MESSAGE_BYTES, Envelope
from functions.ws_commands.handler import handler
from infra.local.events import websocket_context
from infra.local.lambda_runtime import LocalContext
from tests.integration.conftest import AwsStack
from tests.integration.test_agent_state_stateful import (
    ANA,
    BEN,
    CAT,
    NOT_PAUSE_CODES,
    PAUSE_CODES,
    SAM,
    SUE,
    Person,
    wipe,
)

ROOT = Path(__file__).resolve().parents[2]

ADA = Person("admin-ada", "ada", Role.ADMIN)
PEOPLE = (ANA, BEN, CAT, SAM, SUE, ADA)
SENDERS = {"agent": ANA, "supervisor": SAM, "admin": ADA}
RANK = {Role.AGENT.value: 0, Role.SUPERVISOR.value: 1, Role.ADMIN.value: 2}

ERROR_CODES = {code.value for code in ErrorCode}

# --- the published protocol --------------------------------------------------------------------------------

PROTOCOL: dict[str, Any] = yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text())
MESSAGES: dict[str, Any] = PROTOCOL["channels"]["workspace"]["messages"]


def _validator(message: str) -> Draft202012Validator:
    # the whole document is the root, so its "#/components/schemas/..." references resolve
    return Draft202012Validator({**PROTOCOL, "$ref": f"#/channels/workspace/messages/{message}/payload"})


REQUESTS = {name: _validator(f"{name}Request") for name in ACTIONS if f"{name}Request" in MESSAGES}
REPLIES = {name: _validator(f"{name}Reply" if f"{name}Reply" in MESSAGES else "ack") for name in ACTIONS}
GENERIC_ACK = _validator("ack")
ERROR_REPLY = _validator("error")
ENVELOPE = Draft202012Validator(Envelope.model_json_schema())  # requestId 1..128, action 1..64 characters


def request_payload(action: str) -> dict[str, Any]:
    payload: dict[str, Any] = MESSAGES[f"{action}Request"]["payload"]
    return payload


def min_role(action: str) -> str:
    return str(MESSAGES[f"{action}Request"]["x-min-role"])


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    resolved: dict[str, Any] = PROTOCOL["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return resolved


# --- delivering a frame the way API Gateway does ---------------------------------------------------------------

ROUTES = wiring.websocket_routes()


def route_of(body: str | None) -> str:
    """The route `$request.body.action` selects: the action when a route has its name, else $default."""
    try:
        parsed = json.loads(body or "")
    except (ValueError, RecursionError):
        return "$default"
    action = parsed.get("action") if isinstance(parsed, dict) else None
    return action if isinstance(action, str) and action in ROUTES and not action.startswith("$") else "$default"


def deliver(sender: Person, body: str | None, number: int) -> dict[str, Any]:
    """One MESSAGE event to the ws-commands handler; returns the one reply it sends back."""
    route = route_of(body)
    assert ROUTES[route].name == "ws-commands", route  # a frame on a route without a function gets no reply
    context = websocket_context(
        route_key=route,
        event_type="MESSAGE",
        # a connection per frame: the per-connection rate limit is not what this module fuzzes
        connection_id=f"conn-{sender.username}-{number}",
        connected_at=1_700_000_000_000,
        domain="ws.example.com",
        source_ip="192.0.2.30",
        user_agent="hypothesis",
        authorizer=sender.authorizer(),
        message_id=f"msg-{number}",
    )
    gateway_event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
    if body is not None:
        gateway_event["body"] = body
    lambda_context = LocalContext(
        function_name="agentdesk-ws-commands",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:agentdesk-ws-commands",
        timeout_seconds=10,
    )
    response = handler(gateway_event, lambda_context)  # type: ignore[arg-type]
    assert isinstance(response, dict) and response.get("statusCode") == 200, response
    assert isinstance(response.get("body"), str), response
    reply = json.loads(response["body"])
    assert isinstance(reply, dict), reply
    return reply


# --- the tables a frame may change, and putting them back -------------------------------------------------------

WATCHED = ("agents", "events")
Key = tuple[str, ...]
Tables = dict[str, dict[Key, dict[str, Any]]]  # table -> primary key -> item in DynamoDB's wire format


def _key_names(table: str) -> tuple[str, ...]:
    spec = wiring.TABLES[table]
    return (spec.partition_key, *((spec.sort_key,) if spec.sort_key else ()))


@dataclass
class Bench:
    """The seeded account, its scenarios and who may act on whom; sends frames and checks the tables."""

    aws: AwsStack
    scenarios: dict[str, Tables] = field(default_factory=dict)
    reach: dict[str, frozenset[str]] = field(default_factory=dict)  # user id -> the others it may act on
    current: Tables | None = None  # what the tables hold, when known
    sent: int = 0
    pushed: list[tuple[str, Any]] = field(default_factory=list)  # (connection id, message) of the last frame

    def __repr__(self) -> str:  # Hypothesis prints the arguments of a failing example
        return f"Bench(sent={self.sent})"

    def read(self) -> Tables:
        """Every item of the watched tables, in wire format. Read from moto's backend itself: a Scan through
        botocore spends some 25 ms serialising its answer, most of an example's time."""
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][self.aws.region]
        tables: Tables = {}
        for table in WATCHED:
            names = _key_names(table)
            items = (item.to_json()["Attributes"] for item in backend.get_table(self.aws.tables[table]).all_items())
            tables[table] = {tuple(i[n]["S"] for n in names): i for i in items}
        return tables

    def start(self, scenario: str) -> Tables:
        """Put the tables back to the scenario, writing only the items that differ."""
        target = self.scenarios[scenario]
        current = self.current if self.current is not None else self.read()
        self.current = None  # unknown until the writes are done
        for table in WATCHED:
            name, names = self.aws.tables[table], _key_names(table)
            for key in current[table].keys() - target[table].keys():
                self.aws.dynamodb.delete_item(
                    TableName=name, Key={n: {"S": v} for n, v in zip(names, key, strict=True)}
                )
            for key, item in target[table].items():
                if current[table].get(key) != item:
                    self.aws.dynamodb.put_item(TableName=name, Item=item)
        self.current = target
        return target

    def send(self, sender: Person, body: str | None) -> dict[str, Any]:
        self.sent += 1
        self.current = None
        self.pushed.clear()
        return deliver(sender, body, self.sent)

    def exchange(self, sender: Person, frame: Frame, scenario: str, reading: Reading | None = None) -> dict[str, Any]:
        """Send the frame from the scenario and check every property of the module docstring; `reading`:
        what the frame is, when the test's own JSON reader cannot tell."""
        before = self.start(scenario)
        reply = self.send(sender, frame.body)
        after = self.current = self.read()
        reading = reading or read_frame(frame.body)
        # the reply is the frame's one answer: what follows a change is pushed from the event stream
        assert not self.pushed, self.pushed
        assert_reply_is_clean(reading, reply)
        refusal = self.refusal_expected(sender, reading)
        if refusal is not None:
            assert reply["type"] == "error", f"{refusal}, yet acknowledged: {reply}"
        if reply["type"] == "error":
            assert after == before, f"refused ({reply['code']}) but changed the tables: {changes(before, after)}"
        else:
            self.assert_changes_only_what_it_may(sender, reading, reply, before, after)
        if currently_in_test_context():  # for --hypothesis-show-statistics
            event(f"{reading.action or '-'}: {reply.get('code', 'ack')}")
        return reply

    def refusal_expected(self, sender: Person, reading: Reading) -> str | None:
        """Why the protocol refuses this frame from this sender, or None if it may be acknowledged."""
        if reading.too_big:
            return "larger than the frame limit"
        message = reading.message
        if message is None:
            return "not a JSON object"
        if not envelope_is_valid(message):
            return "no valid action and requestId"
        request = REQUESTS.get(message["action"])
        if request is None:
            return "not an action of the protocol"
        problem = next(iter(request.iter_errors(message)), None)
        if problem is not None:
            return f"invalid per the protocol document ({problem.message[:200]})"
        if RANK[sender.role.value] < RANK[min_role(message["action"])]:
            return f"the action needs the {min_role(message['action'])} role"
        agent_id = message.get("agentId")
        if isinstance(agent_id, str) and agent_id != sender.user_id and agent_id not in self.reach[sender.user_id]:
            return f"agentId {agent_id!r} is out of {sender.username}'s reach"
        return None

    def assert_changes_only_what_it_may(
        self, sender: Person, reading: Reading, reply: dict[str, Any], before: Tables, after: Tables
    ) -> None:
        message = reading.message or {}
        named = message.get("agentId")
        target = named if isinstance(named, str) else sender.user_id
        if isinstance(reply.get("state"), dict):
            assert reply["state"]["agentId"] == target, reply
        changed = {key[0] for key in before["agents"].keys() ^ after["agents"].keys()}
        changed |= {
            key[0]
            for key in before["agents"].keys() & after["agents"].keys()
            if before["agents"][key] != after["agents"][key]
        }
        assert changed <= {target}, f"{sender.username}'s frame about {target} changed {sorted(changed)}"
        assert not changed or target == sender.user_id or target in self.reach[sender.user_id], changed
        # the outbox only grows, with events about the agent that changed
        assert before["events"].keys() <= after["events"].keys(), "events disappeared"
        assert all(after["events"][key] == item for key, item in before["events"].items()), "events were rewritten"
        added = [after["events"][key] for key in after["events"].keys() - before["events"].keys()]
        assert {item.get("agentId", {}).get("S") for item in added} <= changed, added
        assert bool(added) == bool(changed), (added, changed)


def changes(before: Tables, after: Tables) -> dict[str, list[Key]]:
    return {
        table: sorted(
            key for key in before[table].keys() | after[table].keys() if before[table].get(key) != after[table].get(key)
        )
        for table in WATCHED
    }


# --- what a frame is, read as a JSON reader reads it --------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The text of one WebSocket frame (None: a MESSAGE event without a body)."""

    body: str | None

    def __repr__(self) -> str:  # Hypothesis prints failing examples with this
        if self.body is not None and len(self.body) > 400:
            return f"Frame({self.body[:200]!r} ...{len(self.body)} characters... {self.body[-100:]!r})"
        return f"Frame({self.body!r})"


@dataclass(frozen=True)
class Reading:
    too_big: bool
    message: dict[str, Any] | None  # the frame as a JSON object, if a JSON reader can read it as one
    request_id: str | None  # the requestId the reply must echo

    @property
    def action(self) -> str | None:
        action = (self.message or {}).get("action")
        return action if isinstance(action, str) and action in ACTIONS else None


def read_frame(body: str | None) -> Reading:
    too_big = len((body or "").encode()) > MAX_MESSAGE_BYTES
    try:
        # a reader may skip a byte order mark (RFC 8259, section 8.1)
        message = json.loads(body.removeprefix("\ufeff")) if body else None
    except (ValueError, RecursionError):
        message = None
    if not isinstance(message, dict):
        return Reading(too_big, None, None)
    request_id = message.get("requestId")
    valid = isinstance(request_id, str) and 0 < len(request_id) <= 128
    return Reading(too_big, message, request_id if valid else None)


def envelope_is_valid(message: dict[str, Any]) -> bool:
    """The envelope of contracts/ws.py: action and requestId strings of a fair length, of characters that
    UTF-8 can carry (a lone surrogate, written as its escape, is no text)."""
    return ENVELOPE.is_valid(message) and all(_is_text(message[name]) for name in ("action", "requestId"))


def _is_text(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def assert_reply_is_clean(reading: Reading, reply: dict[str, Any]) -> None:
    assert reply.get("type") in ("ack", "error"), reply
    if reply["type"] == "error":
        problems = [e.message for e in ERROR_REPLY.iter_errors(reply)]
        assert not problems, (reply, problems)
        assert reply["code"] in ERROR_CODES, reply
        assert reply["code"] != ErrorCode.INTERNAL_ERROR, reply
        assert reply["message"].strip(), reply
        if reading.too_big:
            assert reply["code"] in (ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.RATE_LIMITED), reply
        elif reading.message is None:
            assert reply["code"] in (ErrorCode.BAD_REQUEST, ErrorCode.RATE_LIMITED), reply
        elif envelope_is_valid(reading.message) and reading.message["action"] not in ACTIONS:
            assert reply["code"] in (ErrorCode.UNKNOWN_ACTION, ErrorCode.RATE_LIMITED), reply
    else:
        validator = REPLIES.get(reading.action or "", GENERIC_ACK)
        problems = [e.message for e in validator.iter_errors(reply)]
        assert not problems, (reply, problems)
    if reading.request_id is not None:
        assert reply["requestId"] == reading.request_id, reply


# --- the account: seeded people and the scenarios examples start from ----------------------------------------


def _frame(action: str, **fields: Any) -> str:
    return json.dumps({"action": action, "requestId": f"setup-{action}", **fields})


# Each scenario is reached from the one before by these frames (sender, action, fields).
SCENARIO_STEPS: dict[str, list[tuple[Person, str, dict[str, Any]]]] = {
    "ana available, ben away, ada available": [
        (ANA, "login", {}),
        (BEN, "login", {"reason": "lunch"}),
        (ADA, "login", {}),
    ],
    "ana away, cat and sam logged in": [
        (ANA, "setStatus", {"status": "Away", "reason": "break"}),
        (CAT, "login", {}),
        (SAM, "login", {"reason": "meeting"}),
    ],
    "ana and ben offline after a session": [
        (ANA, "logoff", {}),
        (BEN, "logoff", {}),
    ],
}
SCENARIOS = tuple(SCENARIO_STEPS)


@pytest.fixture(scope="module")
def bench(aws_module: AwsStack) -> Iterator[Bench]:
    config_defaults.seed_demo(
        [
            config_defaults.DemoUser(p.user_id, p.username, p.username.title(), f"{p.username}@example.com", p.role)
            for p in PEOPLE
        ]
    )
    wipe(aws_module, "agents", "events")  # the configuration's own events: not what a frame may change
    bench = Bench(aws_module)
    for scenario, steps in SCENARIO_STEPS.items():
        for sender, action, fields in steps:
            reply = bench.send(sender, _frame(action, **fields))
            assert reply["type"] == "ack", (scenario, sender, action, reply)
        bench.scenarios[scenario] = bench.current = bench.read()
    # a supervisor reaches the agents of their wallboard; an admin every user (directory.can_supervise)
    wallboard = bench.send(SAM, _frame("listAgentStates"))
    bench.reach = {
        **{p.user_id: frozenset() for p in PEOPLE},
        SAM.user_id: frozenset(row["agentId"] for row in wallboard["agents"]),
        ADA.user_id: frozenset(p.user_id for p in PEOPLE),
    }
    assert bench.reach[SAM.user_id] == {ANA.user_id, CAT.user_id}, wallboard  # Sue leads Ben
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(push, "send", lambda connection_id, message: bench.pushed.append((connection_id, message)))
        patch.setattr(push, "close", lambda connection_id: bench.pushed.append((connection_id, "close")))
        yield bench


# --- strategies ----------------------------------------------------------------------------------------------

NASTY_CHARACTERS = (
    "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x1f\x7f\x80\x85\x9f\xa0\xad"  # NUL, C0 and C1 controls
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi
    "\u2028\u2029\ufeff\ufffd\ufffe\uffff\U0001f600\U000e0041\U0010ffff"
    "\ud800\udbff\udc00\udfff"  # lone surrogates: sent as their \uXXXX escapes (a text frame is UTF-8)
    "\"\\/'<>&%${}[]#:"
)
NASTY_TEXT = st.text(st.characters() | st.sampled_from(NASTY_CHARACTERS), max_size=40)
HUGE_LENGTHS = (64, 65, 128, 129, 4_096, MAX_MESSAGE_BYTES - 80, MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES + 1, 40_000)
HUGE_TEXT = st.builds(
    lambda unit, length: unit * length,
    st.sampled_from(["x", "é", "€", "\U0001f600", "\x00", '"', "\\", "\u202e", "\ud800"]),
    st.sampled_from(HUGE_LENGTHS),
)

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | NASTY_TEXT
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NASTY_TEXT, inner, max_size=4),
    max_leaves=12,
)
BY_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(),
    "number": st.floats(allow_nan=False, allow_infinity=False),
    "string": NASTY_TEXT,
    "array": st.lists(SCALARS, max_size=3),
    "object": st.dictionaries(NASTY_TEXT, SCALARS, max_size=3),
}

# Put in the text as they are: numbers JSON has not (NaN, Infinity), reads as infinity (1e400) or Python
# cannot read (5,001 digits), and empty containers.
ODD_LITERALS = ("NaN", "Infinity", "-Infinity", "1e400", "-0", "1" + "0" * 5_000, "0.1e-400", "[]", "{}")


def nested(kind: str, depth: int) -> str:
    if kind == "arrays":
        return "[" * depth + "]" * depth
    if kind == "objects":
        return '{"a":' * depth + "null" + "}" * depth
    return '[{"a":' * depth + "1" + "}]" * depth


NESTED = st.builds(
    nested, st.sampled_from(["arrays", "objects", "both"]), st.sampled_from([2, 16, 200, 600, 2_000, 20_000])
)

OTHER_IDS = (
    *(p.user_id for p in PEOPLE),
    "agent-nobody",
    "",
    " ",
    "agent-ana ",
    " agent-ana",
    "AGENT-ANA",
    "agent-\u0430na",  # a Cyrillic a
    "agent-ana\x00",
    "agent-ana\u202e",
    "agent-\ud800",
    "../agent-ben",
    "agent-ben#state",
    "*",
    "state",
    "x" * 128,
    "x" * 129,
    "\U0001f600" * 128,
)
AGENT_IDS = st.sampled_from(OTHER_IDS) | NASTY_TEXT

# A frame starts as a client of the protocol would write it; the mutations then make it odd.
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "requestId": st.from_regex(r"[a-z]{1,8}-[0-9]{1,4}", fullmatch=True),
    "agentId": st.sampled_from([p.user_id for p in PEOPLE]),
    "reason": st.none() | st.sampled_from(PAUSE_CODES),
}
ODD_REQUEST_IDS = st.one_of(
    st.text(min_size=1, max_size=128),
    st.sampled_from(["", " ", "x" * 128, "x" * 129, "\U0001f600" * 128, "\x00", "\u202e-1", "\ud800", "null"]),
    st.none() | st.integers() | st.booleans() | st.lists(st.text(max_size=3), max_size=2),
)
REQUEST_IDS = PLAUSIBLE["requestId"] | ODD_REQUEST_IDS
ODD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "agentId": AGENT_IDS,
    "status": st.sampled_from(["Offline", "available", "AWAY", " Away", "Busy ", ""]) | NASTY_TEXT,
    "reason": st.sampled_from((*NOT_PAUSE_CODES, "x" * 64, "x" * 65)) | NASTY_TEXT,
}
UNKNOWN_ACTIONS = st.sampled_from(
    [
        "Login",
        "login ",
        "LOGIN",
        "ping\x00",
        "$connect",
        "$default",
        "$disconnect",
        "forcestatus",
        "__proto__",
        "constructor",
        "x" * 64,
        "x" * 65,
        "",
    ]
) | NASTY_TEXT.filter(lambda name: name not in ACTIONS)
UNKNOWN_FIELDS = (
    st.sampled_from(["agentID", "agent_id", "status ", "__proto__", "Action", "requestID", ""]) | NASTY_TEXT
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of a field of the protocol document (enough of JSON Schema for the request models)."""
    schema = resolve(schema)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(option) for option in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "string":
        return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 40), 40))
    if kind == "object":
        properties = schema.get("properties", {})
        return st.fixed_dictionaries({name: from_schema(sub) for name, sub in properties.items()})
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {})), max_size=3)
    return BY_TYPE.get(kind, JSON_VALUES) if isinstance(kind, str) else JSON_VALUES


def json_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a field accepts; empty when it accepts anything."""
    schema = resolve(schema)
    if "const" in schema or "enum" in schema:
        values = [schema["const"]] if "const" in schema else schema["enum"]
        return {
            "null" if v is None else "boolean" if isinstance(v, bool) else "string" if isinstance(v, str) else "number"
            for v in values
        }
    if "anyOf" in schema:
        found = [json_types(option) for option in schema["anyOf"]]
        return set() if any(not f for f in found) else set().union(*found)
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind or [])
    return kinds | ({"integer"} if "number" in kinds else set())


def wrong_type(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    accepted = json_types(schema)
    if not accepted:
        return st.nothing()
    return st.one_of([values for kind, values in BY_TYPE.items() if kind not in accepted])


MUTATIONS = (
    "missing",
    "wrong type",
    "odd value",
    "odd requestId",
    "unknown field",
    "huge",
    "nested",
    "odd literal",
    "nasty text",
    "someone else",
)


STYLES: dict[str, dict[str, Any]] = {"compact": {"separators": (",", ":")}, "spaced": {}, "indented": {"indent": 2}}


def render(draw: Callable[..., Any], message: dict[str, Any], literals: dict[str, str]) -> Frame:
    """The frame's text: compact or spaced, ASCII or not, with the literals JSON's writer cannot make."""
    style = STYLES[draw(st.sampled_from(sorted(STYLES)))]
    body = json.dumps(message, ensure_ascii=draw(st.booleans()), **style)
    try:
        body.encode()
    except UnicodeEncodeError:  # a lone surrogate: only its \uXXXX escape can travel in a text frame
        body = json.dumps(message, ensure_ascii=True, **style)
    for marker, literal in literals.items():
        body = body.replace(json.dumps(marker), literal, 1)
    return Frame(body)


@st.composite
def action_frames(draw: st.DrawFn, action: str) -> Frame:
    """A frame for the action: plausible fields of the protocol document, then up to three mutations."""
    payload = request_payload(action)
    properties: dict[str, Any] = payload.get("properties", {})
    required = set(payload.get("required", []))
    message: dict[str, Any] = {"action": action, "requestId": draw(PLAUSIBLE["requestId"], label="requestId")}
    for name, schema in properties.items():
        if name not in message and (name in required or draw(st.booleans(), label=f"with {name}")):
            message[name] = draw(PLAUSIBLE.get(name, from_schema(schema)), label=name)
    literals: dict[str, str] = {}
    for _ in range(draw(st.integers(0, 3), label="mutations")):
        mutation = draw(st.sampled_from(MUTATIONS), label="mutation")
        name = draw(st.sampled_from(sorted(properties)) | UNKNOWN_FIELDS, label="field")
        if mutation == "missing":
            if message:
                del message[draw(st.sampled_from(sorted(message)))]
        elif mutation == "wrong type":
            message[name] = draw(wrong_type(properties.get(name, {})) | JSON_VALUES.filter(lambda v: v is not None))
        elif mutation == "odd value":
            message[name] = draw(ODD_VALUES.get(name, NASTY_TEXT))
        elif mutation == "odd requestId":
            message["requestId"] = draw(ODD_REQUEST_IDS)
        elif mutation == "unknown field":
            extra = draw(UNKNOWN_FIELDS.filter(lambda key: key not in properties), label="unknown field")
            message[extra] = draw(JSON_VALUES)
        elif mutation == "huge":
            message[name] = draw(HUGE_TEXT)
        elif mutation in ("nested", "odd literal"):
            marker = f"@@literal-{len(literals)}@@"
            literals[marker] = draw(NESTED if mutation == "nested" else st.sampled_from(ODD_LITERALS))
            message[name] = marker
        elif mutation == "nasty text":
            message[name] = draw(NASTY_TEXT)
        else:
            message["agentId"] = draw(AGENT_IDS)
    return render(draw, message, literals)


MALFORMED = (
    "{",
    "}",
    "{'action': 'ping', 'requestId': 'r-1'}",
    '{"action": "ping", "requestId": "r-1",}',
    '{"action": "ping" "requestId": "r-1"}',
    '{"action": "ping", "requestId": "r-1"} trailing',
    '{"action": "ping", "requestId": "r-1"}{"action": "ping"}',
    '/* comment */ {"action": "ping", "requestId": "r-1"}',
    '{"action": "ping", "requestId": "r-1\n"}',  # a raw newline inside a string
    '{"action": "ping", "requestId": "r-1\x00"}',  # a raw NUL inside a string
    '{"action": "ping", "requestId": "\\ud8"}',
    '{"action": "ping", "requestId": "\\x41"}',
    "ping",
    "\x00",
    " ",
)


@st.composite
def truncated(draw: st.DrawFn) -> Frame:
    whole = draw(st.sampled_from(sorted(ACTIONS)).flatmap(action_frames)).body or ""
    return Frame(whole[: draw(st.integers(0, max(0, len(whole) - 1)))])


@st.composite
def unknown_action_frames(draw: st.DrawFn) -> Frame:
    message = {"action": draw(UNKNOWN_ACTIONS), "requestId": draw(REQUEST_IDS)}
    if draw(st.booleans()):
        message["agentId"] = draw(AGENT_IDS)
    return render(draw, message, {})


@st.composite
def odd_envelopes(draw: st.DrawFn) -> Frame:
    """No action, or one of another type; maybe no requestId."""
    message: dict[str, Any] = {}
    if draw(st.booleans()):
        message["action"] = draw(JSON_VALUES.filter(lambda v: not isinstance(v, str)))
    if draw(st.booleans()):
        message["requestId"] = draw(REQUEST_IDS)
    if draw(st.booleans()):
        message[draw(UNKNOWN_FIELDS)] = draw(JSON_VALUES)
    return render(draw, message, {})


ANY_FRAMES = st.one_of(
    st.sampled_from(sorted(ACTIONS)).flatmap(action_frames),
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(lambda v: Frame(json.dumps(v))),
    st.sampled_from(ODD_LITERALS).map(Frame),
    st.sampled_from(MALFORMED).map(Frame),
    st.text(max_size=60).map(Frame),
    truncated(),
    unknown_action_frames(),
    odd_envelopes(),
    st.sampled_from(["", None]).map(Frame),
    st.sampled_from(sorted(ACTIONS)).flatmap(action_frames).map(lambda f: Frame("\ufeff" + (f.body or ""))),
)

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the properties ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(SENDERS))
@pytest.mark.parametrize("action", sorted(ACTIONS))
@settings(FUZZ, max_examples=30)
@given(scenario=st.sampled_from(SCENARIOS), data=st.data())
def test_any_frame_of_an_action_gets_one_clean_reply_and_a_refusal_changes_nothing(
    bench: Bench, action: str, role: str, scenario: str, data: st.DataObject
) -> None:
    assert action in REQUESTS, f"docs/asyncapi.yaml does not describe {action}: run scripts/gen_docs.py"
    bench.exchange(SENDERS[role], data.draw(action_frames(action), label="frame"), scenario)


@pytest.mark.parametrize("role", list(SENDERS))
@settings(FUZZ, max_examples=120)
@given(scenario=st.sampled_from(SCENARIOS), frame=ANY_FRAMES)
def test_any_text_at_all_gets_one_clean_reply_and_changes_nothing_it_may_not(
    bench: Bench, role: str, scenario: str, frame: Frame
) -> None:
    bench.exchange(SENDERS[role], frame, scenario)


@pytest.mark.parametrize("role", list(SENDERS))
@pytest.mark.parametrize("action", sorted(ACTIONS))
@settings(FUZZ, max_examples=6)
@given(scenario=st.sampled_from(SCENARIOS), data=st.data())
def test_naming_someone_out_of_reach_is_refused(
    bench: Bench, action: str, role: str, scenario: str, data: st.DataObject
) -> None:
    """An otherwise well-formed frame naming someone the sender may not act on: only the agentId decides."""
    sender = SENDERS[role]
    payload = request_payload(action)
    out_of_reach = [a for a in OTHER_IDS if a != sender.user_id and a not in bench.reach[sender.user_id]]
    message: dict[str, Any] = {"action": action, "requestId": "someone-else"}
    for name, schema in payload.get("properties", {}).items():
        if name not in message and name in payload.get("required", []):
            message[name] = data.draw(from_schema(schema), label=name)
    message["agentId"] = data.draw(st.sampled_from(out_of_reach), label="agentId")
    reply = bench.exchange(sender, render(data.draw, message, {}), scenario)
    assert reply["type"] == "error" and reply["requestId"] == "someone-else", reply


def padded(request_id: str, size: int) -> str:
    """A valid ping frame of exactly `size` bytes (padded with whitespace, which JSON allows)."""
    frame = json.dumps({"action": "ping", "requestId": request_id}, ensure_ascii=False)
    padding = size - len(frame.encode())
    assert padding >= 0
    return frame[:-1] + " " * padding + "}"


@pytest.mark.parametrize("role", list(SENDERS))
@pytest.mark.parametrize("request_id", ["edge", "\U0001f600" * 128], ids=["ascii", "4-byte characters"])
def test_the_frame_limit_counts_bytes_and_is_inclusive(bench: Bench, request_id: str, role: str) -> None:
    at_limit = padded(request_id, MAX_MESSAGE_BYTES)
    over = padded(request_id, MAX_MESSAGE_BYTES + 1)  # with 4-byte characters: fewer characters than the limit
    assert bench.exchange(SENDERS[role], Frame(at_limit), SCENARIOS[0])["type"] == "ack"
    reply = bench.exchange(SENDERS[role], Frame(over), SCENARIOS[0])
    assert reply["type"] == "error" and reply["code"] in (ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.RATE_LIMITED), reply
    assert reply["requestId"] == request_id, reply


def test_nesting_around_the_readers_limit_gets_one_clean_reply(bench: Bench) -> None:
    """Where the JSON reader's recursion limit falls depends on the stack, the handler's deeper than this
    test's: no depth may crash the handler, and a frame too deep for it to read gets requestId null."""
    unreadable = Reading(too_big=False, message=None, request_id=None)  # for the handler, it may be
    for depth in range(850, 1_150, 10):
        body = json.dumps({"action": "setStatus", "requestId": "deep", "status": "Away"})
        body = body[:-1] + ', "reason": ' + nested("arrays", depth) + "}"
        reply = bench.exchange(ANA, Frame(body), SCENARIOS[0], unreadable)
        assert reply["type"] == "error" and reply["requestId"] in ("deep", None), (depth, reply)


def test_every_route_of_the_protocol_reaches_the_commands_function() -> None:
    """API Gateway routes an unmatched action to $default: every frame reaches a function that replies."""
    assert {name for name, fn in ROUTES.items() if fn.name == "ws-commands"} == {"$default", *ACTIONS}


# --- regressions: bugs the fuzz found, fixed ------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_a_frame_that_is_not_json_text_is_not_executed(bench: Bench, encoding: str) -> None:
    """RFC 8259 JSON between systems is UTF-8. The text '{\\x00"\\x00a\\x00...' (NULs between the characters)
    is no JSON to the gateway (it routes it to $default) nor to any reader of the text, but parse_envelope
    reads `body.encode()` with json.loads, which guesses UTF-16/32 from the NULs: the login runs."""
    login = json.dumps({"action": "login", "requestId": "smuggled"})
    frame = Frame(login.encode(encoding).decode("latin-1"))
    assert route_of(frame.body) == "$default"
    bench.exchange(CAT, frame, SCENARIOS[0])  # Cat is Offline there: an executed login logs her in


def test_a_body_with_a_lone_surrogate_is_a_bad_request(bench: Bench) -> None:
    """parse_envelope encodes the body to count its bytes before its try; a lone surrogate raises
    UnicodeEncodeError there. A text frame through API Gateway cannot carry one (it is UTF-8), so only a
    handler handed such a body directly fails; the reply should still be a BAD_REQUEST, not INTERNAL_ERROR."""
    reply = bench.send(ANA, '{"action": "ping", "requestId": "r-\ud800"}')
    assert reply["type"] == "error" and reply["code"] == ErrorCode.BAD_REQUEST, reply


def test_behind_a_byte_order_mark_the_request_id_is_echoed(bench: Bench) -> None:
    """parse_envelope skips a leading BOM (json.loads of bytes does) but request_id_of reads the text and does not,
    so a frame the envelope refuses gets requestId null although its requestId is plain to read."""
    reply = bench.exchange(ANA, Frame('\ufeff{"requestId": "r-bom"}'), SCENARIOS[0])
    assert reply["requestId"] == "r-bom", reply
