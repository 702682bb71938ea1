"""The template and wiring.py agree: every declared function, route, stream and task is there,
wired to that function's Lambda, and nothing else is."""

from __future__ import annotations

import json
from collections import Counter

from agentdesk import wiring

from .synthesis import ROOT, Synth, pascal, refs

STACK_LAMBDA_PREFIX = "AgentDesk/Functions/"


def _wiring_lambdas(synth: Synth) -> dict[str, str]:
    """Logical id → wiring function name, for the Lambdas built from the wiring."""
    found: dict[str, str] = {}
    names = {pascal(fn.name): fn.name for fn in wiring.FUNCTIONS}
    for logical_id, resource in synth.of_type("AWS::Lambda::Function").items():
        path = resource["Metadata"]["aws:cdk:path"]
        if path.startswith(STACK_LAMBDA_PREFIX):
            found[logical_id] = names[path.removeprefix(STACK_LAMBDA_PREFIX).split("/")[0]]
    return found


def _integration_targets(synth: Synth, api_path: str) -> dict[str, str]:
    """Route key → the logical id of the Lambda its integration invokes, for one API."""
    api = synth.logical_id(api_path)
    integrations = synth.of_type("AWS::ApiGatewayV2::Integration")
    lambdas = set(synth.of_type("AWS::Lambda::Function"))
    routes: dict[str, str] = {}
    for route in synth.of_type("AWS::ApiGatewayV2::Route").values():
        props = route["Properties"]
        if props["ApiId"] != {"Ref": api}:
            continue
        target = props["Target"]["Fn::Join"][1]
        assert target[0] == "integrations/"
        integration = integrations[target[1]["Ref"]]["Properties"]
        (function,) = refs(integration["IntegrationUri"]) & lambdas
        assert props["RouteKey"] not in routes, f"route {props['RouteKey']} declared twice"
        routes[props["RouteKey"]] = function
    return routes


def test_every_wiring_function_has_exactly_one_lambda(synth: Synth) -> None:
    counts = Counter(_wiring_lambdas(synth).values())
    assert counts == Counter(fn.name for fn in wiring.FUNCTIONS)


def test_each_lambda_runs_the_code_of_its_wiring_function(synth: Synth) -> None:
    for logical_id, name in _wiring_lambdas(synth).items():
        asset_dir = synth.outdir / synth.resources[logical_id]["Metadata"]["aws:asset:path"]
        source = ROOT / "functions" / wiring.function(name).directory / "handler.py"
        assert (asset_dir / "handler.py").read_bytes() == source.read_bytes(), name
        assert synth.resources[logical_id]["Properties"]["Handler"] == "handler.handler"


def test_websocket_routes_match_the_wiring_and_nothing_more(synth: Synth) -> None:
    by_id = _wiring_lambdas(synth)
    routes = {key: by_id[function] for key, function in _integration_targets(synth, "Realtime/Api/Resource").items()}
    assert routes == {key: fn.name for key, fn in wiring.websocket_routes().items()}


def test_http_routes_match_the_wiring_and_nothing_more(synth: Synth) -> None:
    by_id = _wiring_lambdas(synth)
    routes = {key: by_id[function] for key, function in _integration_targets(synth, "Http/Api/Resource").items()}
    assert routes == {f"{t.method.upper()} {t.path}": fn.name for t, fn in wiring.http_routes()}

    jwt_authorizer = {"Ref": synth.logical_id("Http/Api/CognitoJwt/Resource")}
    api = {"Ref": synth.logical_id("Http/Api/Resource")}
    declared = {f"{t.method.upper()} {t.path}": t.authorized for t, _fn in wiring.http_routes()}
    for route in synth.of_type("AWS::ApiGatewayV2::Route").values():
        props = route["Properties"]
        if props["ApiId"] != api:
            continue
        if declared[props["RouteKey"]]:
            assert props["AuthorizationType"] == "JWT"
            assert props["AuthorizerId"] == jwt_authorizer
        else:
            assert props.get("AuthorizationType", "NONE") == "NONE"


def test_the_authorizer_is_the_function_the_wiring_names(synth: Synth) -> None:
    authorizers = [
        a["Properties"]
        for a in synth.of_type("AWS::ApiGatewayV2::Authorizer").values()
        if a["Properties"]["AuthorizerType"] == "REQUEST"
    ]
    (authorizer,) = authorizers
    spec = wiring.authorizer()
    (trigger,) = [t for t in spec.triggers if isinstance(t, wiring.WebSocketAuthorizer)]
    assert synth.function_id(spec.name) in refs(authorizer["AuthorizerUri"])
    assert authorizer["IdentitySource"] == [trigger.identity_source]


def _event_source_mappings(synth: Synth) -> set[tuple[str, str, int]]:
    """(function logical id, source logical id, batch size) of every event source mapping."""
    found = set()
    for mapping in synth.of_type("AWS::Lambda::EventSourceMapping").values():
        props = mapping["Properties"]
        (source,) = refs(props["EventSourceArn"])
        found.add((props["FunctionName"]["Ref"], source, props["BatchSize"]))
        assert props["StartingPosition"] == "LATEST"
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["BisectBatchOnFunctionError"] is True
        assert props["MaximumRetryAttempts"] > 0
        assert "OnFailure" in props["DestinationConfig"]
    return found


def test_stream_triggers_match_the_wiring_and_nothing_more(synth: Synth) -> None:
    expected = set()
    for fn in wiring.FUNCTIONS:
        for trigger in fn.triggers:
            if isinstance(trigger, wiring.TableStream):
                expected.add((synth.function_id(fn.name), synth.table_id(trigger.table), trigger.batch_size))
            elif isinstance(trigger, wiring.KinesisSource):
                stream = synth.logical_id(f"Reporting/{pascal(trigger.stream)}Stream/Resource")
                expected.add((synth.function_id(fn.name), stream, trigger.batch_size))
    assert _event_source_mappings(synth) == expected


def test_table_stream_mappings_read_the_table_stream(synth: Synth) -> None:
    for mapping in synth.of_type("AWS::Lambda::EventSourceMapping").values():
        arn = mapping["Properties"]["EventSourceArn"]
        if refs(arn) & set(synth.of_type("AWS::DynamoDB::Table")):
            assert arn["Fn::GetAtt"][1] == "StreamArn"


def test_state_machine_tasks_are_substituted_with_their_functions(synth: Synth) -> None:
    machines = {
        r["Properties"]["StateMachineName"].removeprefix(f"{synth.stack.stack_name}-"): r["Properties"]
        for r in synth.of_type("AWS::StepFunctions::StateMachine").values()
    }
    assert set(machines) == set(wiring.STATE_MACHINES)
    for name in wiring.STATE_MACHINES:
        expected = {
            t.substitution: {"Fn::GetAtt": [synth.function_id(fn.name), "Arn"]}
            for fn in wiring.FUNCTIONS
            for t in fn.triggers
            if isinstance(t, wiring.StateMachineTask) and t.state_machine == name
        }
        assert machines[name].get("DefinitionSubstitutions", {}) == expected


def test_stream_filters_match_the_wiring(synth: Synth) -> None:
    expected = {
        synth.function_id(fn.name): trigger.filter_pattern()
        for fn in wiring.FUNCTIONS
        for trigger in fn.triggers
        if isinstance(trigger, wiring.TableStream)
    }
    assert any(expected.values()), "some stream consumer filters its events"
    for mapping in synth.of_type("AWS::Lambda::EventSourceMapping").values():
        props = mapping["Properties"]
        function = props["FunctionName"]["Ref"]
        if function not in expected:
            continue
        filters = (props.get("FilterCriteria") or {}).get("Filters") or []
        patterns = [json.loads(f["Pattern"]) for f in filters]
        assert patterns == ([expected[function]] if expected[function] else [])


def test_fixed_rate_triggers_are_rules_invoking_their_function_and_nothing_more(synth: Synth) -> None:
    expected = sorted(
        (synth.function_id(fn.name), trigger.expression)
        for fn in wiring.FUNCTIONS
        for trigger in fn.triggers
        if isinstance(trigger, wiring.Every)
    )
    assert expected, "some function runs at a fixed rate (the presence sweep)"
    permissions = [
        p["Properties"]
        for p in synth.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "events.amazonaws.com"
    ]
    found = []
    for rule_id, rule in synth.of_type("AWS::Events::Rule").items():
        props = rule["Properties"]
        assert props["State"] == "ENABLED"
        (target,) = props["Targets"]
        (function,) = refs(target["Arn"])
        found.append((function, props["ScheduleExpression"]))
        # EventBridge may invoke the function, and only for this rule
        allowed = [p["SourceArn"] for p in permissions if p["FunctionName"] == target["Arn"]]
        assert allowed == [{"Fn::GetAtt": [rule_id, "Arn"]}]
    assert sorted(found) == expected
    assert len(permissions) == len(found)
