"""What the code sends, checked against what the repository publishes: every event written to the events table
or put on the Kinesis stream against docs/events.schema.json, and every WebSocket message (a push or a
reply posted with PostToConnection, an ack or error returned by the commands function) against its message
in docs/asyncapi.yaml.

`watching()` wraps botocore's `BaseClient._make_api_call` in every thread (the local stack runs handlers in
threads of its own) and the commands function's `dispatch`; a message that does not match is recorded, not
raised, so the code under test runs as it would and the test fails at its end with every violation listed.
The integration suite turns it on for every test (tests/integration/conftest.py); the e2e suite checks the
events the local stack wrote, at the end of the session (tests/e2e/conftest.py).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import botocore.client
import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]


@cache
def event_validator() -> Draft202012Validator:
    schema = json.loads((ROOT / "docs" / "events.schema.json").read_text())
    return Draft202012Validator(schema)


@cache
def _asyncapi() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text()))


@cache
def message_validators() -> dict[str, Draft202012Validator]:
    """The validator of each message the server sends, by key: a push by its `type`, `error`, and
    `<action>Reply` for the ack of each action."""
    document = _asyncapi()
    components = document["components"]
    validators: dict[str, Draft202012Validator] = {}
    for key, message in document["channels"]["workspace"]["messages"].items():
        payload = message["payload"]
        const = (payload.get("properties") or {}).get("type", {}).get("const")
        if key.endswith("Reply"):
            name = key
        elif key == "error":
            name = "error"
        elif const and const != "ack":
            name = const  # a push
        else:
            continue
        validators[name] = Draft202012Validator({**payload, "components": components})
    return validators


def _errors(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(instance)]


def check_event(document: str | bytes) -> list[str]:
    """Why an event document does not match docs/events.schema.json (empty when it does)."""
    return _errors(event_validator(), json.loads(document))


def check_message(message: Any, action: str | None = None) -> list[str]:
    """Why a message sent to a WebSocket client does not match docs/asyncapi.yaml (empty when it does). An ack
    is checked against its action's reply, so `action` is needed for one."""
    validators = message_validators()
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "ack":
        key = f"{action}Reply" if action else None
        if key not in validators:
            return [] if action is None else [f"no reply documented for action {action!r}"]
        return _errors(validators[key], message)
    if kind not in validators:
        return [f"undocumented message type {kind!r}"]
    return _errors(validators[str(kind)], message)


@dataclass
class Checked:
    """What was checked and what did not match."""

    events: int = 0
    messages: int = 0
    violations: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, what: str, problems: list[str], *, event: bool) -> None:
        with self.lock:
            if event:
                self.events += 1
            else:
                self.messages += 1
            self.violations += [f"{what}: {problem}" for problem in problems]


def _outbox_documents(operation: str, params: dict[str, Any]) -> list[str]:
    """The event documents a DynamoDB write puts into the outbox (items keyed by `eventId`, with a `document`)."""
    items: list[dict[str, Any]] = []
    if operation == "PutItem":
        items.append(params.get("Item") or {})
    elif operation == "TransactWriteItems":
        items += [op["Put"]["Item"] for op in params.get("TransactItems", []) if "Put" in op]
    elif operation == "BatchWriteItem":
        for requests in (params.get("RequestItems") or {}).values():
            items += [r["PutRequest"]["Item"] for r in requests if "PutRequest" in r]
    return [item["document"]["S"] for item in items if "eventId" in item and "document" in item]


def _event_stream() -> str | None:
    """The product's event stream (tests of moto itself put other records on streams of their own)."""
    return os.environ.get("EVENT_STREAM")


def _action_of(body: Any) -> str | None:
    try:
        message = json.loads(body)
    except (TypeError, ValueError, RecursionError):  # the fuzz suite sends any text at all
        return None
    action = message.get("action") if isinstance(message, dict) else None
    return action if isinstance(action, str) else None


@contextmanager
def watching() -> Iterator[Checked]:
    """Check every event and WebSocket message sent while inside, in any thread."""
    from functions.ws_commands import handler as commands

    checked = Checked()
    original_call = botocore.client.BaseClient._make_api_call
    original_dispatch: Callable[..., dict[str, Any]] = commands.dispatch

    def make_api_call(client: Any, operation: str, params: Any) -> Any:
        try:
            service = client.meta.service_model.service_name
            if service == "dynamodb":
                for document in _outbox_documents(operation, params):
                    checked.note(f"event {document[:120]}", check_event(document), event=True)
            elif service == "kinesis" and operation == "PutRecord" and params.get("StreamName") == _event_stream():
                checked.note("Kinesis record", check_event(params["Data"]), event=True)
            elif service == "apigatewaymanagementapi" and operation == "PostToConnection":
                message = json.loads(params["Data"])
                checked.note(f"pushed {str(message)[:160]}", check_message(message), event=False)
        except Exception as exc:  # a document that cannot even be read is a violation too
            checked.note(f"{operation}", [repr(exc)], event=False)
        return original_call(client, operation, params)

    def dispatch(body: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        result = original_dispatch(body, *args, **kwargs)
        checked.note(f"reply {str(result)[:160]}", check_message(result, _action_of(body)), event=False)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", make_api_call)
        patch.setattr(commands, "dispatch", dispatch)
        yield checked


def check_outbox(endpoint: str, table: str, region: str = "us-east-1") -> tuple[int, list[str]]:
    """Every event in an events table reached over `endpoint` (the local stack's AWS), checked."""
    import boto3

    client = boto3.client(
        "dynamodb", endpoint_url=endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test"
    )
    checked = 0
    problems: list[str] = []
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            checked += 1
            document = item["document"]["S"]
            problems += [f"event {document[:120]}: {problem}" for problem in check_event(document)]
    return checked, problems


@dataclass
class Frames:
    """WebSocket frames a test client received, checked as they arrive (e2e: the local stack over real
    sockets); an ack is checked against the reply of the action its request named."""

    checked: int = 0
    violations: list[str] = field(default_factory=list)
    actions: dict[str, str] = field(default_factory=dict)  # requestId -> action of the frames sent

    def sent(self, frame: Any) -> None:
        try:
            message = json.loads(frame)
        except (TypeError, ValueError, RecursionError):
            return
        if isinstance(message, dict) and isinstance(message.get("requestId"), str):
            self.actions[message["requestId"]] = str(message.get("action"))

    def received(self, frame: Any) -> None:
        message = json.loads(frame)
        action = self.actions.get(message.get("requestId")) if isinstance(message, dict) else None
        self.checked += 1
        self.violations += [f"received {str(message)[:160]}: {p}" for p in check_message(message, action)]


@contextmanager
def watching_frames() -> Iterator[Frames]:
    """Check every frame a `websockets` client receives while inside."""
    from websockets.asyncio.connection import Connection

    frames = Frames()
    original_send, original_recv = Connection.send, Connection.recv

    async def send(self: Any, message: Any, *args: Any, **kwargs: Any) -> Any:
        frames.sent(message)
        return await original_send(self, message, *args, **kwargs)

    async def recv(self: Any, *args: Any, **kwargs: Any) -> Any:
        frame = await original_recv(self, *args, **kwargs)
        frames.received(frame)
        return frame

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Connection, "send", send)
        patch.setattr(Connection, "recv", recv)
        yield frames
