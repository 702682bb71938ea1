"""The protocol documents are generated from the code and must not drift from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from agentdesk.actions import ACTIONS
from agentdesk.kernel.errors import ErrorCode

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


def test_event_schema_is_valid_json_schema_with_the_envelope_fields() -> None:
    schema = json.loads((ROOT / "docs" / "events.schema.json").read_text())
    assert {"eventId", "type", "version", "occurredAt", "agentId", "actor", "data"} <= set(schema["properties"])
    assert set(schema["required"]) >= {"eventId", "type", "occurredAt", "actor"}
