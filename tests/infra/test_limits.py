"""The platform's limits in the template: stage throttling of both APIs and the functions' reserved concurrency
(the ceilings behind the handlers' per-client limits, which hold per warm instance only)."""

from __future__ import annotations

import json

import pytest

from agentdesk import wiring
from infra.cloud import http_api, realtime

from .synthesis import Synth


def test_the_websocket_stage_throttles_every_route_by_default(synth: Synth) -> None:
    stage = synth.resources[synth.logical_id("Realtime/Stage/Resource")]["Properties"]
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == realtime.STAGE_RATE_PER_SECOND == 500
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == realtime.STAGE_BURST == 1000


def test_the_http_stage_throttles_every_route_by_default(synth: Synth) -> None:
    stage = synth.resources[synth.logical_id("Http/DefaultStage/Resource")]["Properties"]
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] == http_api.STAGE_RATE_PER_SECOND == 200
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] == http_api.STAGE_BURST == 400


def test_commands_and_the_publisher_have_reserved_concurrency() -> None:
    reserved = {fn.name: fn.reserved_concurrency for fn in wiring.FUNCTIONS if fn.reserved_concurrency is not None}
    assert reserved == {"ws-commands": 50, "publisher": 10}


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_each_function_reserves_what_the_wiring_declares(synth: Synth, spec: wiring.Function) -> None:
    props = synth.resources[synth.function_id(spec.name)]["Properties"]
    assert props.get("ReservedConcurrentExecutions") == spec.reserved_concurrency


def test_browsers_may_read_retry_after_from_the_http_api(synth: Synth) -> None:
    api = synth.resources[synth.logical_id("Http/Api/Resource")]["Properties"]
    assert "retry-after" in api["CorsConfiguration"]["ExposeHeaders"]


def test_reserved_concurrency_can_be_left_out_for_a_small_account(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`-c reservedConcurrency=false`: for accounts whose concurrency quota is below what the stack reserves."""
    from aws_cdk import App

    from infra.app import build

    dist = tmp_path_factory.mktemp("web-dist-small")
    (dist / "index.html").write_text("<!doctype html><title>Agent Desk</title>", encoding="utf-8")
    app = App(
        outdir=str(tmp_path_factory.mktemp("cdk.out-small")),
        context={"aws:cdk:bundling-stacks": [], "webDist": str(dist), "reservedConcurrency": "false"},
    )
    stack = build(app)
    functions = stack.functions.functions
    assert all(
        fn.node.default_child.reserved_concurrent_executions is None  # type: ignore[union-attr]
        for fn in functions.values()
    )


# CloudFormation refuses a template of more than 500 resources; keep room for what comes next.
RESOURCE_CEILING = 450


def test_the_stack_stays_well_inside_cloudformations_resource_limit(synth: Synth) -> None:
    assert len(synth.resources) <= RESOURCE_CEILING, len(synth.resources)


def test_each_websocket_function_is_granted_to_the_api_once_not_per_route(synth: Synth) -> None:
    ws_api = synth.logical_id("Realtime/Api/Resource")
    routes = {
        k: r
        for k, r in synth.of_type("AWS::ApiGatewayV2::Route").items()
        if r["Properties"]["ApiId"] == {"Ref": ws_api}
    }
    integrations = {
        k: i
        for k, i in synth.of_type("AWS::ApiGatewayV2::Integration").items()
        if i["Properties"]["ApiId"] == {"Ref": ws_api}
    }
    targets = {json.dumps(route["Properties"]["Target"]) for route in routes.values()}
    # one integration per function, shared by all its routes
    assert len(integrations) == len(targets) < len(routes)
    granted = [
        permission["Properties"]
        for logical_id, permission in synth.of_type("AWS::Lambda::Permission").items()
        if "WebSocketInvoke" in logical_id
    ]
    assert len(granted) == len(integrations)
    assert all(p["Principal"] == "apigateway.amazonaws.com" for p in granted)
    per_route = [p for p in synth.of_type("AWS::Lambda::Permission") if "Permission" in p and "Route" in p]
    assert per_route == []
