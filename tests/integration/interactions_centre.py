"""The demo contact centre with chats: customers open chats through the real http-api handler, agents and
customers send frames to the real ws-commands handler, and `pump()` plays the events table's stream to the
real router and routing-model consumers (in the order the events were written), as the event source
mappings would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from agentdesk.config import directory
from agentdesk.events import parse_event
from agentdesk.interactions import routing
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.outbox import EventRecord
from agentdesk.kernel.settings import reset_settings
from agentdesk.kernel.unit_of_work import UnitOfWork
from tests.integration.centre import Centre, demo_centre, send_frame
from tests.integration.conftest import REGION, AwsStack, build_http_event, call_http

ASL = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


@dataclass
class ChatCentre:
    centre: Centre
    customers: dict[str, Principal] = field(default_factory=dict)  # interaction id -> customer
    outbox: list[dict[str, Any]] = field(default_factory=list)  # every committed event, in commit order
    played: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def aws(self) -> AwsStack:
        return self.centre.aws

    def agent(self, username: str) -> Principal:
        return self.centre.principal(username)

    def login(self, *usernames: str) -> None:
        for username in usernames:
            self.centre.ack(username, "login")
        self.pump()

    def open_chat(self, name: str = "Carla Customer", source_ip: str = "198.51.100.7", **body: Any) -> dict[str, Any]:
        event = build_http_event("POST", "/api/chat/sessions", None, {"name": name, **body})
        event["requestContext"]["http"]["sourceIp"] = source_ip
        result = call_http(event)
        assert result.status == 201, (result.status, result.body)
        session: dict[str, Any] = result.body
        self.customers[session["interactionId"]] = Principal(
            session["contactId"], session["contactId"], name, "", Role.CUSTOMER, session["interactionId"]
        )
        return session

    def customer(self, interaction_id: str) -> Principal:
        return self.customers[interaction_id]

    def send(self, who: str | Principal, action: str, **fields: Any) -> dict[str, Any]:
        principal = who if isinstance(who, Principal) else self.agent(who)
        return send_frame(principal, action, request_id=f"r-{action}", **fields)

    def ack(self, who: str | Principal, action: str, **fields: Any) -> dict[str, Any]:
        reply = self.send(who, action, **fields)
        assert reply["type"] == "ack", reply
        return reply

    def refused(self, who: str | Principal, action: str, **fields: Any) -> str:
        reply = self.send(who, action, **fields)
        assert reply["type"] == "error", reply
        return str(reply["code"])

    def events(self) -> list[dict[str, Any]]:
        """Every event in the outbox, in the order written."""
        client = self.aws.dynamodb
        documents: list[dict[str, Any]] = []
        for page in client.get_paginator("scan").paginate(TableName=self.aws.tables["events"], ConsistentRead=True):
            documents += [json.loads(item["document"]["S"]) for item in page["Items"]]
        return sorted(documents, key=lambda d: (d["occurredAt"], d["eventId"]))

    def _fresh(self) -> list[dict[str, Any]]:
        """The events committed since the last call, in commit order."""
        with self.lock:
            fresh = self.outbox[self.played :]
            self.played += len(fresh)
        return fresh

    def events_of(self, interaction_id: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events()
            if e["type"].startswith("interaction.") and e["data"]["interaction"]["interactionId"] == interaction_id
        ]

    def pump(self, rounds: int = 10) -> int:
        """Play the new events to the routing model and the router (in the stream's order) until none come."""
        played = 0
        for _ in range(rounds):
            fresh = self._fresh()
            if not fresh:
                break
            for document in fresh:
                event = parse_event(document)
                routing.update_model(event)
                routing.on_event(event)
                played += 1
        return played

    def interaction(self, interaction_id: str) -> dict[str, Any]:
        reply = self.ack("ada", "getInteraction", interactionId=interaction_id)
        return dict(reply["interaction"])

    def state(self, username: str) -> dict[str, Any]:
        return dict(self.centre.ack(username, "getState")["state"])


@pytest.fixture(name="chats")
def chats_fixture(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatCentre]:
    yield chat_centre(aws, monkeypatch)


def chat_centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> ChatCentre:
    """The demo centre in `aws`, its state machines, settings and commit recorder set with `monkeypatch`
    (a module's shared centre passes a MonkeyPatch of its own)."""
    centre = demo_centre(aws, monkeypatch)
    stepfunctions = boto3.client("stepfunctions", region_name=REGION)
    for key in ("offer-timeout", "wrap-up"):
        arn = stepfunctions.create_state_machine(
            name=f"test-{key}", definition=ASL, roleArn="arn:aws:iam::123456789012:role/test"
        )["stateMachineArn"]
        monkeypatch.setenv(f"{key.upper().replace('-', '_')}_STATE_MACHINE_ARN", arn)
    monkeypatch.setenv("RATE_LIMIT_CHAT_SESSIONS", "100000/100000")
    monkeypatch.setenv("WEBSOCKET_URL", "wss://ws.example.com/prod")
    reset_settings()
    directory.forget()
    chats = ChatCentre(centre)
    record_commits(chats, monkeypatch)
    return chats


def wipe(chats: ChatCentre, *keys: str) -> None:
    """Delete every item of these tables (by wiring key) and forget the events recorded so far."""
    from agentdesk import wiring

    aws = chats.aws
    for key in keys:
        table = wiring.TABLES[key]
        names = [table.partition_key, *([table.sort_key] if table.sort_key else [])]
        for item in aws.scan(key):
            aws.dynamodb.delete_item(TableName=aws.tables[key], Key={name: item[name] for name in names})
    with chats.lock:
        chats.outbox.clear()
        chats.played = 0


def record_commits(centre: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every event a unit of work commits, in commit order: what the events table's stream delivers."""
    original = UnitOfWork.commit

    def commit(work: UnitOfWork) -> None:
        original(work)
        documents = [json.loads(op.item.document) for op in work.puts if isinstance(op.item, EventRecord)]
        with centre.lock:
            centre.outbox.extend(documents)

    monkeypatch.setattr(UnitOfWork, "commit", commit)
