"""The environment the CDK app gives each function agrees with the settings model and the function's wiring."""

from __future__ import annotations

from typing import Any

import pytest

from agentdesk import wiring
from agentdesk.kernel.settings import required_settings, variable, variables

from .synthesis import Synth


def _environment(synth: Synth, spec: wiring.Function) -> dict[str, Any]:
    return dict(synth.resources[synth.function_id(spec.name)]["Properties"]["Environment"]["Variables"])


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_every_variable_a_function_gets_is_a_declared_setting(synth: Synth, spec: wiring.Function) -> None:
    undeclared = set(_environment(synth, spec)) - set(variables())
    assert not undeclared, f"{spec.name} is given {sorted(undeclared)}, which kernel/settings.py does not declare"


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_every_setting_a_function_needs_is_set(synth: Synth, spec: wiring.Function) -> None:
    env = _environment(synth, spec)
    missing = {variable(name) for name in required_settings(spec)} - set(env)
    assert not missing, f"{spec.name} needs {sorted(missing)}, which the CDK app does not set"
    # ... and the function checks them itself on its first read of the settings.
    assert env["AGENTDESK_FUNCTION"] == spec.name
