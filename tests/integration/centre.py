"""The demo contact centre of the integration tests: real users in Cognito and the config table, and the
real ws-commands handler driven as API Gateway drives it (the authorizer's context carries the principal
the user's token names)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import boto3
import pytest

from agentdesk.config import defaults as config_defaults
from agentdesk.config import directory
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.settings import reset_settings
from functions.ws_commands.handler import handler as ws_handler
from tests.integration.conftest import REGION, AwsStack, FakeLambdaContext

WS_ENDPOINT = "https://abc123.execute-api.us-east-1.amazonaws.com"


def send_frame(principal: Principal, action: str, *, request_id: str = "r1", **fields: Any) -> dict[str, Any]:
    """One frame from `principal` (as the $connect authorizer put them in the connection's context) to the
    real ws-commands handler, routed as API Gateway routes it; returns the reply."""
    event = {
        "body": json.dumps({"action": action, "requestId": request_id, **fields}),
        "isBase64Encoded": False,
        "requestContext": {
            "routeKey": action,
            "eventType": "MESSAGE",
            "connectionId": f"conn-{principal.username}",
            "requestId": f"req-{request_id}",
            "authorizer": {**principal.to_dict(), "principalId": principal.user_id},
        },
    }
    response = ws_handler(event, FakeLambdaContext())  # type: ignore[arg-type]
    reply: dict[str, Any] = json.loads(response["body"])
    return reply


@dataclass
class Centre:
    aws: AwsStack
    ids: dict[str, str]  # username -> user id
    numbers: Iterator[int] = field(default_factory=lambda: count(1))

    def principal(self, username: str) -> Principal:
        role = {"ada": Role.ADMIN, "sam": Role.SUPERVISOR, "sue": Role.SUPERVISOR}.get(username, Role.AGENT)
        return Principal(self.ids[username], username, username.title(), f"{username}@example.com", role)

    def send(self, username: str, action: str, **fields: Any) -> dict[str, Any]:
        """One WebSocket frame to the real ws-commands handler, as API Gateway hands it over."""
        number = next(self.numbers)
        return send_frame(self.principal(username), action, request_id=f"r{number}", **fields)

    def ack(self, username: str, action: str, **fields: Any) -> dict[str, Any]:
        reply = self.send(username, action, **fields)
        assert reply["type"] == "ack", reply
        return reply

    def refused(self, username: str, action: str, **fields: Any) -> str:
        reply = self.send(username, action, **fields)
        assert reply["type"] == "error", reply
        return str(reply["code"])


def demo_centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    """The demo contact centre around Ada (admin), Sam and Sue (supervisors), Ana and Ben (agents): Sam leads
    Customer Care (Ana), Sue leads Sales & Retention (Ben). Users exist in Cognito, so the config API can edit
    them."""
    people = {"ada": "admins", "sam": "supervisors", "sue": "supervisors", "ana": "agents", "ben": "agents"}
    ids = {name: aws.create_user(name, group) for name, group in people.items()}
    roles = {"admins": Role.ADMIN, "supervisors": Role.SUPERVISOR, "agents": Role.AGENT}
    config_defaults.seed_demo(
        [
            config_defaults.DemoUser(ids[name], name, name.title(), f"{name}@example.com", roles[group])
            for name, group in people.items()
        ]
    )
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="test-events", ShardCount=1)
    monkeypatch.setenv("EVENT_STREAM", "test-events")
    monkeypatch.setenv("WS_MANAGEMENT_ENDPOINT", WS_ENDPOINT)
    reset_settings()
    directory.forget()
    return Centre(aws, ids)


def stream_batch(centre: Centre, event_ids: list[str]) -> dict[str, Any]:
    """The events as the events table's stream hands them to the publisher (INSERT records, NEW_IMAGE)."""
    table = centre.aws.tables["events"]
    records = []
    for number, event_id in enumerate(event_ids, start=1):
        item = centre.aws.dynamodb.get_item(TableName=table, Key={"eventId": {"S": event_id}}, ConsistentRead=True)
        records.append(
            {
                "eventID": f"record-{event_id}",
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": 1_700_000_000,
                    "Keys": {"eventId": {"S": event_id}},
                    "NewImage": item["Item"],
                    "SequenceNumber": f"{number:021d}",
                    "SizeBytes": 100,
                    "StreamViewType": "NEW_IMAGE",
                },
                "eventSourceARN": f"arn:aws:dynamodb:{REGION}:123456789012:table/{table}/stream/2026-01-01T00:00:00",
            }
        )
    return {"Records": records}
