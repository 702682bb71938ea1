"""The state machine definitions: valid JSON, valid Amazon States Language (per asl-validator), and
placeholders that match the functions the wiring declares as their tasks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agentdesk import wiring
from infra.cloud.orchestration import placeholders, substitutions_for

from .synthesis import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
VALIDATOR = ROOT / "node_modules" / "asl-validator" / "dist" / "bin" / "asl-validator.js"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")

DEFINITIONS = [*sorted((ROOT / "statemachines").glob("*.asl.json")), FIXTURES / "tiny.asl.json"]


def _with_dummy_arns(text: str) -> str:
    """The definition as Step Functions would receive it, with a plausible ARN for each placeholder."""
    return PLACEHOLDER.sub(lambda m: f"arn:aws:lambda:us-east-1:123456789012:function:{m.group(1)}", text)


def _validate(definition: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "Node.js is required (the root package.json provides asl-validator)"
    assert VALIDATOR.is_file(), "run `npm ci` at the repository root to install asl-validator"
    substituted = tmp_path / definition.name
    substituted.write_text(_with_dummy_arns(definition.read_text(encoding="utf-8")), encoding="utf-8")
    return subprocess.run(
        [node, str(VALIDATOR), "--json-path", str(substituted)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda p: p.name)
def test_definition_is_valid_asl(definition: Path, tmp_path: Path) -> None:
    document = json.loads(definition.read_text(encoding="utf-8"))
    assert document["StartAt"] in document["States"]
    result = _validate(definition, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validator_rejects_an_invalid_definition(tmp_path: Path) -> None:
    result = _validate(FIXTURES / "broken.asl.json", tmp_path)
    assert result.returncode != 0


def test_every_definition_in_statemachines_is_declared_in_the_wiring() -> None:
    declared = {machine.file for machine in wiring.STATE_MACHINES.values()}
    present = {p.name for p in (ROOT / "statemachines").glob("*.asl.json")}
    assert present == declared


@pytest.mark.parametrize("name", sorted(wiring.STATE_MACHINES))
def test_placeholders_are_exactly_the_declared_tasks(name: str) -> None:
    text = (ROOT / "statemachines" / wiring.STATE_MACHINES[name].file).read_text(encoding="utf-8")
    assert placeholders(text) == set(substitutions_for(name, wiring.FUNCTIONS))
