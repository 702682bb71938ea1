"""What a reader of the event stream learns about an agent (docs/events.md): each `agent.state.changed` carries
the state left and the time spent in it, the session, the agent's configuration and whether work can be
routed to them; the presence sweep writes an `agent.heartbeat` of every logged-in agent, which the publisher
forwards to Kinesis and pushes to no one. Every event here is also checked against docs/events.schema.json
by the suite's `published_contracts` fixture."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentdesk.agents import presence
from functions.publisher.handler import handler as publisher_handler
from tests.contracts import Checked
from tests.integration.aws_calls import counted
from tests.integration.centre import Centre, demo_centre, stream_batch
from tests.integration.conftest import AwsStack, FakeLambdaContext


@pytest.fixture
def centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    return demo_centre(aws, monkeypatch)


def _events(centre: Centre, agent_id: str, kind: str) -> list[dict[str, Any]]:
    documents = [json.loads(item["document"]["S"]) for item in centre.aws.scan("events")]
    found = [d for d in documents if d["type"] == kind and d["agentId"] == agent_id]
    return sorted(found, key=lambda d: d["eventId"])


def test_a_change_says_what_was_left_the_session_the_configuration_and_the_routing(
    centre: Centre, published_contracts: Checked
) -> None:
    ana = centre.ids["ana"]
    centre.ack("ana", "login")
    centre.ack("ana", "setStatus", status="Away", reason="break")
    centre.ack("ana", "logoff")
    login, pause, logoff = (e["data"] for e in _events(centre, ana, "agent.state.changed"))

    assert login["previous"] == {"status": "Offline", "reason": None, "since": None, "secondsInState": None}
    session_id = login["state"]["sessionId"]
    assert login["session"] == {"sessionId": session_id, "loginAt": login["state"]["loginAt"], "endedAt": None}
    assert login["routing"] == {"routable": True, "notRoutableReason": None}
    configuration = login["configuration"]
    assert configuration["name"] == "Ana" and 1 <= configuration["capacity"] <= 20
    assert configuration["autoAnswer"] in {"on", "off", "agent"}
    assert all(1 <= skill["proficiency"] <= 5 for skill in configuration["skills"])

    assert pause["previous"]["status"] == "Available" and pause["previous"]["since"] == login["state"]["since"]
    assert pause["previous"]["secondsInState"] >= 0
    assert pause["routing"]["routable"] is False and "Away" in pause["routing"]["notRoutableReason"]

    assert logoff["previous"]["status"] == "Away" and logoff["previous"]["reason"]["code"] == "break"
    assert (
        logoff["session"]["sessionId"] == session_id and logoff["session"]["endedAt"] == logoff["change"]["occurredAt"]
    )
    assert logoff["state"]["sessionId"] is None
    assert published_contracts.events >= 3 and published_contracts.messages >= 3


def test_the_sweep_writes_a_heartbeat_of_each_logged_in_agent_which_reaches_kinesis_and_no_connection(
    centre: Centre, published_contracts: Checked
) -> None:
    ana, ben = centre.ids["ana"], centre.ids["ben"]
    centre.ack("ana", "login", reason="break")  # Away: the sweep starts no grace timer for her
    assert presence.sweep()["heartbeats"] == 1
    (beat,) = _events(centre, ana, "agent.heartbeat")
    assert not _events(centre, ben, "agent.heartbeat")  # logged off: none
    assert beat["actor"] == {"userId": "system", "role": "system"} and beat["schemaVersion"] == 2
    assert beat["data"]["state"]["status"] == "Away" and beat["data"]["secondsInState"] >= 0
    assert beat["data"]["session"]["sessionId"] == beat["data"]["state"]["sessionId"]
    assert beat["data"]["routing"]["routable"] is False

    with counted() as calls:
        result = publisher_handler(stream_batch(centre, [beat["eventId"]]), FakeLambdaContext())  # type: ignore[arg-type]
    assert result == {"batchItemFailures": []}
    made = calls.counts()
    assert made["kinesis:PutRecord"] == 1 and made["apigatewaymanagementapi:PostToConnection"] == 0
