"""The protocol documents are generated from the code and must not drift from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from agentdesk.actions import ACTIONS
from agentdesk.kernel.errors import ErrorCode
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION
from tests.contracts import check_event, check_message

ROOT = Path(__file__).resolve().parents[2]


def test_generated_documents_are_current() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/gen_docs.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_asyncapi_lists_every_action_and_the_error_codes_of_the_code() -> None:
    document = yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text())
    messages = document["channels"]["workspace"]["messages"]
    assert {m["name"] for key, m in messages.items() if key.endswith("Request")} == set(ACTIONS)
    assert document["components"]["schemas"]["ErrorCode"]["enum"] == [code.value for code in ErrorCode]
    assert {"agent.state", "config.changed"} <= {m["name"] for m in messages.values()}


def test_event_schema_is_a_union_keyed_on_type_with_a_typed_payload_per_type() -> None:
    schema = json.loads((ROOT / "docs" / "events.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    mapping = schema["discriminator"]["mapping"]
    assert {"agent.state.changed", "agent.heartbeat", "config.changed"} <= set(mapping)
    assert {name for name in mapping if name.startswith("interaction.")} == {
        "interaction.queued",
        "interaction.offered",
        "interaction.offer.rejected",
        "interaction.offer.expired",
        "interaction.assigned",
        "interaction.message",
        "interaction.note.added",
        "interaction.tags.changed",
        "interaction.transfer.requested",
        "interaction.transferred",
        "interaction.transfer.cancelled",
        "interaction.ended",
        "interaction.abandoned",
        "interaction.disposition.submitted",
        "interaction.disposition.completed",
        "interaction.closed",
        "interaction.rated",
        "interaction.ringing",  # reported through the ingress API (other channels)
        "interaction.held",
        "interaction.resumed",
    }
    for ref in mapping.values():
        event = schema["$defs"][ref.rsplit("/", 1)[1]]
        assert {"eventId", "type", "schemaVersion", "occurredAt", "agentId", "actor", "data"} <= set(
            event["properties"]
        )
        assert set(event["required"]) >= {"eventId", "type", "schemaVersion", "occurredAt", "actor", "data"}
        assert event["properties"]["schemaVersion"]["const"] == EVENT_SCHEMA_VERSION
        assert "$ref" in event["properties"]["data"], "every type has its own data model"


def test_the_contract_checker_refuses_what_the_documents_do_not_describe() -> None:
    event = {
        "eventId": "ev_1",
        "type": "config.changed",
        "schemaVersion": EVENT_SCHEMA_VERSION,
        "occurredAt": "2026-11-25T10:00:00.000Z",
        "agentId": None,
        "actor": {"userId": "system", "role": "system"},
        "data": {"kind": "team", "id": "t1", "change": "updated", "version": 2, "endSessions": None},
    }
    assert check_event(json.dumps(event)) == []
    assert check_event(json.dumps({**event, "eventId": "evt_1"}))
    assert check_event(json.dumps({**event, "version": 1}))
    assert check_event(json.dumps({**event, "data": {**event["data"], "extra": 1}}))
    assert check_event(json.dumps({**event, "type": "agent.heartbeat"}))
    push = {"type": "config.changed", "kind": "team", "id": "t1", "change": "updated"}
    assert check_message(push) == []
    assert check_message({**push, "change": "renamed"})
    assert check_message({"type": "agent.heartbeat"})
    assert check_message({"type": "ack", "requestId": "r1", "state": {}}, "getState")
    assert check_message({"type": "ack", "requestId": "r1", "agents": []}, "listAgentStates") == []
