"""The wiring agrees with the code it names and with the local stack that reads it: every function has a
handler, every WebSocket action has a route and every route an action, every ASL placeholder has its task
function, and the local stack's gateway and provisioning serve exactly what the wiring declares."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from agentdesk import wiring
from agentdesk.actions import ACTIONS
from infra.local.gateway import _compile
from infra.local.lambda_runtime import LambdaRuntime, physical_name
from infra.local.provision import STATEMACHINES, render_asl, substitutions

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("fn", wiring.FUNCTIONS, ids=lambda fn: fn.name)
def test_every_function_has_a_handler_in_its_folder(fn: wiring.Function) -> None:
    assert (ROOT / "functions" / fn.directory / "handler.py").is_file()
    assert callable(importlib.import_module(fn.module).handler)


def test_function_names_are_unique_and_lambda_safe() -> None:
    names = [fn.name for fn in wiring.FUNCTIONS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]{1,40}", name) for name in names)


def test_every_action_has_a_route_and_every_route_an_action() -> None:
    routes = {key for key in wiring.websocket_routes() if not key.startswith("$")}
    assert routes == set(ACTIONS)
    assert {"$connect", "$disconnect", "$default"} <= set(wiring.websocket_routes())


def test_one_authorizer() -> None:
    authorizers = [fn for fn in wiring.FUNCTIONS if any(isinstance(t, wiring.WebSocketAuthorizer) for t in fn.triggers)]
    assert [fn.name for fn in authorizers] == ["ws-authorizer"]
    # it verifies tokens, then reads the directory: a deleted, disabled or demoted user's token is not enough
    assert wiring.authorizer().tables == {"config": wiring.Access.READ}


def test_functions_use_only_declared_tables_streams_and_machines() -> None:
    for fn in wiring.FUNCTIONS:
        assert set(fn.tables) <= set(wiring.TABLES), fn.name
        assert set(fn.publishes_to) <= set(wiring.KINESIS_STREAMS), fn.name
        assert set(fn.starts) | set(fn.schedules) <= set(wiring.STATE_MACHINES), fn.name
        for trigger in fn.triggers:
            if isinstance(trigger, wiring.TableStream):
                assert wiring.TABLES[trigger.table].stream, f"{fn.name}: {trigger.table} has no stream"
            if isinstance(trigger, wiring.KinesisSource):
                assert trigger.stream in wiring.KINESIS_STREAMS


@pytest.mark.parametrize("machine", sorted(wiring.STATE_MACHINES))
def test_every_asl_placeholder_has_its_task_function(machine: str) -> None:
    runtime = LambdaRuntime("us-east-1")
    rendered = render_asl(STATEMACHINES / wiring.STATE_MACHINES[machine].file, substitutions(runtime, machine))
    assert "${" not in rendered
    for arn in substitutions(runtime, machine).values():
        assert runtime.resolve(arn).name  # the local runtime answers the ARN the machine calls


def test_every_asl_file_is_declared() -> None:
    declared = {m.file for m in wiring.STATE_MACHINES.values()}
    assert {p.name for p in STATEMACHINES.glob("*.asl.json")} == declared


def test_http_paths_compile_to_distinct_routes() -> None:
    keys = [(route.method, route.path) for route, _ in wiring.http_routes()]
    assert len(keys) == len(set(keys))
    for route, _ in wiring.http_routes():
        pattern = _compile(route.path)
        sample = re.sub(r"\{\w+\}", "x1", route.path)
        assert pattern.match(sample), route.path


def test_the_local_runtime_knows_every_function_by_name_and_arn() -> None:
    runtime = LambdaRuntime("us-east-1")
    for fn in wiring.FUNCTIONS:
        assert runtime.resolve(physical_name(fn)) is fn
        assert runtime.resolve(runtime.arn(fn)) is fn
        assert runtime.resolve(runtime.arn(fn) + ":$LATEST") is fn
    with pytest.raises(KeyError):
        runtime.resolve("agentdesk-nothing")
