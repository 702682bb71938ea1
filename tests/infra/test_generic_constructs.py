"""The generic builders (functions, event sources, grants, state machines) on a small fixture wiring
that uses the trigger kinds and permissions the product's wiring does not use yet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Aspects, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match
from cdk_nag import AwsSolutionsChecks

from agentdesk import wiring
from infra.cloud.data import Data
from infra.cloud.functions import USER_ADMIN_ACTIONS, Functions, Resources
from infra.cloud.orchestration import Orchestration

from .synthesis import dependency_cycle, refs

FIXTURES = Path(__file__).parent / "fixtures"

TABLES = {
    "things": wiring.Table(
        setting="things_table", partition_key="id", indexes=(wiring.Index("byOwner", "owner"),), stream=True
    ),
    "quiet": wiring.Table(setting="quiet_table", partition_key="pk", sort_key="sk"),
}
MACHINES = {"tiny": wiring.StateMachine(file="tiny.asl.json", description="fixture machine")}
TASK = wiring.Function(
    name="tiny-task",
    description="Task of the tiny machine that also starts it (no dependency cycle allowed).",
    triggers=(wiring.StateMachineTask("tiny", "TinyFunctionArn"),),
    tables={"quiet": wiring.Access.READ},
    starts=("tiny",),
)
CONSUMER = wiring.Function(
    name="tiny-consumer",
    description="Consumes the Kinesis stream and the things table stream; manages users; publishes.",
    triggers=(wiring.KinesisSource("events", batch_size=50), wiring.TableStream("things", batch_size=10)),
    tables={"things": wiring.Access.WRITE},
    manages_users=True,
    publishes_to=("events",),
    timeout_seconds=20,
    memory_mb=256,
)


def _build(
    specs: tuple[wiring.Function, ...] = (TASK, CONSUMER),
    machines: dict[str, wiring.StateMachine] = MACHINES,
    tables: dict[str, wiring.Table] = TABLES,
) -> Stack:
    app = App(context={"aws:cdk:enable-path-metadata": True})
    stack = Stack(app, "Fixture")
    data = Data(stack, "Data", tables=tables, removal_policy=RemovalPolicy.DESTROY)
    pool = cognito.UserPool(stack, "Pool")
    client = pool.add_client("Client")
    stream = kinesis.Stream(stack, "Events", stream_mode=kinesis.StreamMode.ON_DEMAND)
    layer = lambda_.LayerVersion(stack, "Layer", code=lambda_.Code.from_asset(str(FIXTURES / "layer")))
    functions = Functions(
        stack,
        "Functions",
        specs=specs,
        table_specs=tables,
        code_dir=FIXTURES / "functions",
        layer=layer,
        resources=Resources(
            tables=data.tables,
            streams={"events": stream},
            user_pool=pool,
            user_pool_client=client,
            ws_management_endpoint="https://example.execute-api.eu-west-1.amazonaws.com/prod",
            ws_connection_arns=["arn:aws:execute-api:eu-west-1:111122223333:abc/prod/POST/@connections/*"],
        ),
    )
    Orchestration(
        stack,
        "Orchestration",
        machines=machines,
        specs=specs,
        functions=functions.functions,
        roles=functions.roles,
        asl_dir=FIXTURES,
    )
    Aspects.of(app).add(AwsSolutionsChecks())
    return stack


@pytest.fixture(scope="module")
def fixture_stack() -> Stack:
    stack = _build()
    stack.node.root.synth()  # type: ignore[attr-defined]
    return stack


@pytest.fixture(scope="module")
def template(fixture_stack: Stack) -> dict[str, Any]:
    assembly = fixture_stack.node.root.synth()  # type: ignore[attr-defined]
    return json.loads(Path(assembly.get_stack_artifact(fixture_stack.artifact_id).template_full_path).read_text())


def _by_path(template: dict[str, Any], path: str) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (lid, r)
        for lid, r in template["Resources"].items()
        if r.get("Metadata", {}).get("aws:cdk:path") == f"Fixture/{path}"
    ]
    return found


def _statements(template: dict[str, Any], role_path: str) -> list[dict[str, Any]]:
    role_id, _ = _by_path(template, role_path)
    statements = []
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in resource["Properties"]["Roles"]:
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
    return statements


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def test_no_dependency_cycle_when_a_task_function_also_starts_its_machine(template: dict[str, Any]) -> None:
    assert dependency_cycle(template) is None


def test_fixture_stack_is_nag_clean(fixture_stack: Stack) -> None:
    annotations = Annotations.from_stack(fixture_stack)
    pattern = Match.string_like_regexp("AwsSolutions-(IAM5|IAM4|L1|SQS3|SQS4|SF1|SF2|DDB3)")
    problems = annotations.find_error("*", pattern) + annotations.find_warning("*", pattern)
    assert problems == [], "\n".join(str(p.entry.data)[:200] for p in problems)


def test_state_machine_gets_function_arns_logging_and_tracing(template: dict[str, Any]) -> None:
    _, machine = _by_path(template, "Orchestration/Tiny/Resource")
    task_id, _ = _by_path(template, "Functions/TinyTask/Function/Resource")
    props = machine["Properties"]
    assert props["StateMachineName"] == "Fixture-tiny"
    assert props["DefinitionSubstitutions"] == {"TinyFunctionArn": {"Fn::GetAtt": [task_id, "Arn"]}}
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is True
    assert props["TracingConfiguration"] == {"Enabled": True}
    # The definition file ships unchanged as an asset; Step Functions substitutes at deploy time.
    assert set(props["DefinitionS3Location"]) == {"Bucket", "Key"}


def test_state_machine_role_invokes_only_its_task_functions(template: dict[str, Any]) -> None:
    task_id, _ = _by_path(template, "Functions/TinyTask/Function/Resource")
    invokes = [
        s for s in _statements(template, "Orchestration/Tiny/Role/Resource") if "lambda:InvokeFunction" in _actions(s)
    ]
    (statement,) = invokes
    assert statement["Resource"] == {"Fn::GetAtt": [task_id, "Arn"]}


def test_starter_may_start_stop_and_describe_only_its_machine(template: dict[str, Any]) -> None:
    statements = _statements(template, "Functions/TinyTask/Role/Resource")
    start = [s for s in statements if "states:StartExecution" in _actions(s)]
    stop = [s for s in statements if "states:StopExecution" in _actions(s)]
    assert len(start) == 1 and len(stop) == 1
    assert json.dumps(start[0]["Resource"]).endswith(':stateMachine:Fixture-tiny"]]}')
    assert _actions(stop[0]) == {"states:StopExecution", "states:DescribeExecution"}
    assert json.dumps(stop[0]["Resource"]).endswith(':execution:Fixture-tiny:*"]]}')
    _, function = _by_path(template, "Functions/TinyTask/Function/Resource")
    arn = json.dumps(function["Properties"]["Environment"]["Variables"]["TINY_STATE_MACHINE_ARN"])
    assert arn.endswith(':stateMachine:Fixture-tiny"]]}')
    consumer = _statements(template, "Functions/TinyConsumer/Role/Resource")
    assert not [s for s in consumer if any(a.startswith("states:") for a in _actions(s))]


def test_kinesis_and_table_stream_sources(template: dict[str, Any]) -> None:
    consumer_id, consumer = _by_path(template, "Functions/TinyConsumer/Function/Resource")
    stream_id, _ = _by_path(template, "Events/Resource")
    table_id, _ = _by_path(template, "Data/ThingsTable/Resource")
    mappings = {
        next(iter(refs(r["Properties"]["EventSourceArn"]))): r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    }
    assert set(mappings) == {stream_id, table_id}
    assert mappings[stream_id]["BatchSize"] == 50
    assert mappings[table_id]["BatchSize"] == 10
    assert mappings[table_id]["EventSourceArn"] == {"Fn::GetAtt": [table_id, "StreamArn"]}
    for mapping in mappings.values():
        assert mapping["FunctionName"] == {"Ref": consumer_id}
        assert mapping["StartingPosition"] == "LATEST"
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BisectBatchOnFunctionError"] is True
        assert mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][1] == "Arn"
    env = consumer["Properties"]["Environment"]["Variables"]
    assert env["EVENT_STREAM"] == {"Ref": stream_id}
    assert env["THINGS_TABLE"] == {"Ref": table_id}
    assert "QUIET_TABLE" not in env
    assert consumer["Properties"]["Timeout"] == 20
    assert consumer["Properties"]["MemorySize"] == 256


def test_user_manager_gets_exactly_the_admin_actions_on_the_pool(template: dict[str, Any]) -> None:
    pool_id, _ = _by_path(template, "Pool/Resource")
    statements = [
        s
        for s in _statements(template, "Functions/TinyConsumer/Role/Resource")
        if any(a.startswith("cognito-idp:") for a in _actions(s))
    ]
    (statement,) = statements
    assert _actions(statement) == set(USER_ADMIN_ACTIONS)
    assert statement["Resource"] == {"Fn::GetAtt": [pool_id, "Arn"]}
    task = _statements(template, "Functions/TinyTask/Role/Resource")
    assert not [s for s in task if any(a.startswith("cognito-idp:") for a in _actions(s))]


def test_publisher_may_put_records_on_its_stream(template: dict[str, Any]) -> None:
    stream_id, _ = _by_path(template, "Events/Resource")
    puts = [
        s for s in _statements(template, "Functions/TinyConsumer/Role/Resource") if "kinesis:PutRecords" in _actions(s)
    ]
    assert [s["Resource"] for s in puts] == [{"Fn::GetAtt": [stream_id, "Arn"]}]


def test_a_placeholder_without_a_task_function_fails_the_synth() -> None:
    no_task = wiring.Function(name="tiny-consumer", description="d", triggers=(), starts=("tiny",))
    with pytest.raises(ValueError, match="TinyFunctionArn"):
        _build(specs=(no_task,))


def test_an_undeclared_state_machine_fails_the_synth() -> None:
    with pytest.raises(KeyError, match="tiny"):
        _build(machines={})


def test_a_stream_trigger_on_a_table_without_stream_fails_the_synth() -> None:
    bad = wiring.Function(name="tiny-consumer", description="d", triggers=(wiring.TableStream("quiet"),))
    with pytest.raises(ValueError, match="stream=False"):
        _build(specs=(bad,), machines={})


def test_an_unknown_trigger_kind_fails_the_synth() -> None:
    odd = wiring.Function(name="tiny-consumer", description="d", triggers=("cron(0 0 * * ? *)",))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="does not know trigger"):
        _build(specs=(odd,), machines={})


def test_a_declared_function_without_code_fails_the_synth() -> None:
    ghost = wiring.Function(name="no-such-function", description="d", triggers=())
    with pytest.raises(FileNotFoundError, match="no_such_function"):
        _build(specs=(ghost,), machines={})
