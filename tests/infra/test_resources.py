"""The important properties of the key resources in the synthesized template."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match

from agentdesk import wiring
from infra.cloud.layer import DUCKDB_FUNCTIONS

from .synthesis import ROOT, Synth, dependency_cycle, pascal, refs, render


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else actions


def _resources(statement: dict[str, Any]) -> list[Any]:
    resources = statement["Resource"]
    return resources if isinstance(resources, list) else [resources]


# -- data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(wiring.TABLES))
def test_table_matches_its_wiring_declaration(synth: Synth, name: str) -> None:
    spec = wiring.TABLES[name]
    props = synth.resources[synth.table_id(name)]["Properties"]

    keys = [{"AttributeName": spec.partition_key, "KeyType": "HASH"}]
    if spec.sort_key:
        keys.append({"AttributeName": spec.sort_key, "KeyType": "RANGE"})
    assert props["KeySchema"] == keys
    attribute_types = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    assert set(attribute_types.values()) == {"S"}, "every key of the product is a string"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    # SSEEnabled without a key: KMS with the AWS managed key aws/dynamodb (no key of our own to pay for).
    assert props["SSESpecification"] == {"SSEEnabled": True}
    if spec.ttl_attribute:
        assert props["TimeToLiveSpecification"] == {"AttributeName": spec.ttl_attribute, "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in props
    if spec.stream:
        assert props["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    else:
        assert "StreamSpecification" not in props
    indexes = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes", [])}
    assert set(indexes) == {i.name for i in spec.indexes}
    for index in spec.indexes:
        schema = [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
        if index.sort_key:
            schema.append({"AttributeName": index.sort_key, "KeyType": "RANGE"})
        assert indexes[index.name]["KeySchema"] == schema
        assert indexes[index.name]["Projection"] == {"ProjectionType": "ALL"}


def test_tables_are_kept_when_the_stack_is_deleted(synth: Synth) -> None:
    for name in wiring.TABLES:
        resource = synth.resources[synth.table_id(name)]
        assert resource["DeletionPolicy"] == "Retain"
        assert resource["Properties"]["DeletionProtectionEnabled"] is True


# -- auth -----------------------------------------------------------------------------------------------


def test_user_pool_has_strong_passwords_and_no_self_sign_up(synth: Synth) -> None:
    synth.assertions.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireLowercase": True,
                    "RequireUppercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            },
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "AliasAttributes": Match.array_with(["email"]),
        },
    )


def test_web_client_is_public_with_password_and_srp_flows(synth: Synth) -> None:
    synth.assertions.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "GenerateSecret": False,
            "ExplicitAuthFlows": Match.array_with(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]),
            "PreventUserExistenceErrors": "ENABLED",
        },
    )


def test_role_groups_exist(synth: Synth) -> None:
    groups = {g["Properties"]["GroupName"] for g in synth.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"agents", "supervisors", "admins"}


# -- WebSocket API -------------------------------------------------------------------------------------


def test_websocket_api_selects_routes_by_action(synth: Synth) -> None:
    synth.assertions.has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        {"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action"},
    )


def test_connect_route_uses_the_request_authorizer_on_the_token_query_parameter(synth: Synth) -> None:
    authorizer_id = synth.logical_id("Realtime/Api/ConnectAuthorizer/Resource")
    authorizer = synth.resources[authorizer_id]["Properties"]
    assert authorizer["AuthorizerType"] == "REQUEST"
    assert authorizer["IdentitySource"] == ["route.request.querystring.token"]
    assert synth.function_id(wiring.authorizer().name) in refs(authorizer["AuthorizerUri"])

    connect = synth.resources[synth.logical_id("Realtime/Api/$connect-Route/Resource")]["Properties"]
    assert connect["AuthorizationType"] == "CUSTOM"
    assert connect["AuthorizerId"] == {"Ref": authorizer_id}


def test_prod_stage_auto_deploys_with_access_logs_and_throttling(synth: Synth) -> None:
    stage = synth.resources[synth.logical_id("Realtime/Stage/Resource")]["Properties"]
    assert stage["StageName"] == "prod"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert stage["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0
    log_format = json.loads(stage["AccessLogSettings"]["Format"])
    assert {"requestId", "connectionId", "routeKey", "status"} <= set(log_format)
    assert synth.logical_id("Realtime/AccessLogs/Resource") in refs(stage["AccessLogSettings"])


def test_two_way_routes_return_the_handler_response(synth: Synth) -> None:
    responses = synth.of_type("AWS::ApiGatewayV2::RouteResponse")
    routes_with_response = {r["Properties"]["RouteId"]["Ref"] for r in responses.values()}
    for route_key, _fn in wiring.websocket_routes().items():
        trigger = next(
            t
            for fn in wiring.FUNCTIONS
            for t in fn.triggers
            if isinstance(t, wiring.WebSocketRoute) and t.route_key == route_key
        )
        route_id = synth.logical_id(f"Realtime/Api/{route_key}-Route/Resource")
        assert (route_id in routes_with_response) is trigger.two_way, route_key


# -- HTTP API --------------------------------------------------------------------------------------------


def test_http_api_jwt_authorizer_trusts_the_user_pool_and_web_client(synth: Synth) -> None:
    authorizer = synth.resources[synth.logical_id("Http/Api/CognitoJwt/Resource")]["Properties"]
    assert authorizer["AuthorizerType"] == "JWT"
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert authorizer["JwtConfiguration"]["Audience"] == [{"Ref": synth.logical_id("Auth/UserPool/WebClient/Resource")}]
    issuer = json.dumps(authorizer["JwtConfiguration"]["Issuer"])
    assert "https://cognito-idp." in issuer
    assert synth.logical_id("Auth/UserPool/Resource") in refs(authorizer["JwtConfiguration"]["Issuer"])


def test_http_api_allows_cross_origin_calls_without_credentials(synth: Synth) -> None:
    synth.assertions.has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        {
            "ProtocolType": "HTTP",
            "CorsConfiguration": {
                "AllowCredentials": False,
                "AllowHeaders": ["authorization", "content-type", "if-match"],
                "ExposeHeaders": ["etag", "location", "retry-after"],
                "AllowMethods": Match.array_with(["DELETE", "OPTIONS", "PUT"]),
            },
        },
    )


def test_http_stage_has_access_logs(synth: Synth) -> None:
    stage = synth.resources[synth.logical_id("Http/DefaultStage/Resource")]["Properties"]
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert "principal" in json.loads(stage["AccessLogSettings"]["Format"])


# -- functions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_function_runtime_layer_tracing_and_environment(synth: Synth, spec: wiring.Function) -> None:
    props = synth.resources[synth.function_id(spec.name)]["Properties"]
    assert props["Runtime"] == "python3.13"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "handler.handler"
    shared, duckdb = ({"Ref": synth.logical_id(f"{name}/Layer/Resource")} for name in ("Shared", "DuckDb"))
    assert props["Layers"] == ([shared, duckdb] if spec.name in DUCKDB_FUNCTIONS else [shared])
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_seconds
    assert props["LoggingConfig"]["LogGroup"] == {
        "Ref": synth.logical_id(f"Functions/{pascal(spec.name)}/Logs/Resource")
    }

    env = props["Environment"]["Variables"]
    assert env["POWERTOOLS_SERVICE_NAME"] == "agentdesk"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "AgentDesk"
    assert env["LOG_LEVEL"] == "INFO"
    assert env["USER_POOL_ID"] == {"Ref": synth.logical_id("Auth/UserPool/Resource")}
    assert env["USER_POOL_CLIENT_ID"] == {"Ref": synth.logical_id("Auth/UserPool/WebClient/Resource")}
    table_vars = {wiring.TABLES[t].env_var for t in wiring.TABLES}
    assert {k for k in env if k in table_vars} == {wiring.TABLES[t].env_var for t in spec.tables}
    for table in spec.tables:
        assert env[wiring.TABLES[table].env_var] == {"Ref": synth.table_id(table)}
    if spec.pushes:
        endpoint = env["WS_MANAGEMENT_ENDPOINT"]["Fn::Join"][1]
        assert endpoint[0] == "https://"
        assert endpoint[1] == {"Ref": synth.logical_id("Realtime/Api/Resource")}
        assert endpoint[-1] == "/prod"
    else:
        assert "WS_MANAGEMENT_ENDPOINT" not in env
    if spec.publishes_to:
        assert env["EVENT_STREAM"] == {
            "Ref": synth.logical_id(f"Reporting/{pascal(spec.publishes_to[0])}Stream/Resource")
        }
    else:
        assert "EVENT_STREAM" not in env


def test_each_function_has_a_log_group_with_retention(synth: Synth) -> None:
    for spec in wiring.FUNCTIONS:
        group = synth.resources[synth.logical_id(f"Functions/{pascal(spec.name)}/Logs/Resource")]
        assert group["Properties"]["RetentionInDays"] == 30


def test_functions_use_no_aws_managed_policies(synth: Synth) -> None:
    for spec in wiring.FUNCTIONS:
        assert "ManagedPolicyArns" not in synth.resources[synth.role_id(spec.name)]["Properties"]


# -- least privilege -------------------------------------------------------------------------------------


def _dynamodb_grants(synth: Synth, name: str) -> dict[str, set[str]]:
    """Table logical id → DynamoDB data actions the function's role has on it."""
    grants: dict[str, set[str]] = {}
    for statement in synth.policy_statements(synth.role_id(name)):
        actions = {a for a in _actions(statement) if a.startswith("dynamodb:") and a != "dynamodb:ListStreams"}
        for resource in _resources(statement):
            for table in refs(resource):
                grants.setdefault(table, set()).update(actions)
    return {t: a for t, a in grants.items() if a}


WRITE_ACTIONS = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_dynamodb_access_is_exactly_what_the_wiring_declares(synth: Synth, spec: wiring.Function) -> None:
    grants = _dynamodb_grants(synth, spec.name)
    stream_tables = {synth.table_id(t.table) for t in spec.triggers if isinstance(t, wiring.TableStream)}
    expected = {synth.table_id(t) for t in spec.tables} | stream_tables
    assert set(grants) == expected
    for table, access in spec.tables.items():
        actions = grants[synth.table_id(table)]
        assert "dynamodb:GetItem" in actions
        if access is wiring.Access.WRITE:
            assert actions >= WRITE_ACTIONS
        else:
            assert not (WRITE_ACTIONS & actions), f"{spec.name} may only read {table}"


@pytest.mark.parametrize("name", ["ws-commands", "presence-check", "scheduled-logoff"])
def test_agent_state_commands_read_state_and_config_version_in_one_batch(synth: Synth, name: str) -> None:
    # store/agents.py load_state_and_config_version: one BatchGetItem over the agents and config tables
    grants = _dynamodb_grants(synth, name)
    for table in ("agents", "config"):
        assert "dynamodb:BatchGetItem" in grants[synth.table_id(table)], (name, table)


def test_authorizer_only_reads_the_config_table(synth: Synth) -> None:
    """It verifies the token (a customer's with the key it may read), then reads the directory (a deleted,
    disabled or demoted user); nothing else."""
    grants = _dynamodb_grants(synth, wiring.authorizer().name)
    assert set(grants) == {synth.table_id("config")}
    assert not grants[synth.table_id("config")] & WRITE_ACTIONS
    statements = synth.policy_statements(synth.role_id(wiring.authorizer().name))
    actions = {a for s in statements for a in _actions(s)}
    assert {a for a in actions if not a.startswith("dynamodb:")} == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "secretsmanager:GetSecretValue",
    }


def test_ws_connect_writes_connections_and_cannot_touch_the_outbox(synth: Synth) -> None:
    grants = _dynamodb_grants(synth, "ws-connect")
    assert grants[synth.table_id("connections")] >= WRITE_ACTIONS
    assert synth.table_id("events") not in grants
    assert synth.table_id("config") not in grants


def test_presence_sweep_runs_every_five_minutes_starts_grace_timers_and_writes_heartbeats(synth: Synth) -> None:
    function = synth.function_id("presence-sweep")
    synth.assertions.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "rate(5 minutes)",
            "State": "ENABLED",
            "Targets": [Match.object_like({"Arn": {"Fn::GetAtt": [function, "Arn"]}})],
        },
    )
    grants = _dynamodb_grants(synth, "presence-sweep")
    assert "dynamodb:Scan" in grants[synth.table_id("agents")]  # the logged-in index, across sites
    assert grants[synth.table_id("agents")] >= WRITE_ACTIONS  # the timer record
    assert not WRITE_ACTIONS & grants[synth.table_id("connections")]
    # It changes no agent state (the presence-check does, later); it writes agent.heartbeat events only.
    assert grants[synth.table_id("events")] >= {"dynamodb:PutItem"}
    statements = synth.policy_statements(synth.role_id("presence-sweep"))
    (start,) = [s for s in statements if "states:StartExecution" in _actions(s)]
    assert [render(r) for r in _resources(start)] == [
        "arn:<AWS::Partition>:states:eu-west-1:111122223333:stateMachine:AgentDesk-presence"
    ]
    props = synth.resources[function]["Properties"]
    assert props["Timeout"] < 300, "one sweep ends before the next is due"
    assert "PRESENCE_STATE_MACHINE_ARN" in props["Environment"]["Variables"]


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_connection_management_only_for_pushing_functions(synth: Synth, spec: wiring.Function) -> None:
    statements = [
        s for s in synth.policy_statements(synth.role_id(spec.name)) if "execute-api:ManageConnections" in _actions(s)
    ]
    if not spec.pushes:
        assert statements == []
        return
    assert len(statements) == 1
    paths = sorted(json.dumps(r) for r in _resources(statements[0]))
    api = synth.logical_id("Realtime/Api/Resource")
    assert len(paths) == 3
    for method, path in zip(("DELETE", "GET", "POST"), paths, strict=True):
        assert f'"/prod/{method}/@connections/*"' in path
        assert f'{{"Ref": "{api}"}}' in path


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_cognito_admin_actions_only_for_user_managers(synth: Synth, spec: wiring.Function) -> None:
    statements = [
        s
        for s in synth.policy_statements(synth.role_id(spec.name))
        if any(a.startswith("cognito-idp:") for a in _actions(s))
    ]
    if not spec.manages_users:
        assert statements == []
        return
    (statement,) = statements
    assert all(not a.endswith("*") for a in _actions(statement))
    assert _resources(statement) == [{"Fn::GetAtt": [synth.logical_id("Auth/UserPool/Resource"), "Arn"]}]


def test_user_managers_may_call_exactly_the_cognito_operations_the_code_calls(synth: Synth) -> None:
    # Every Cognito call goes through config/accounts.py's `_call("<operation>", ...)`: the grant must name those
    # operations and nothing more (least privilege), so a grant the code stopped using fails here.
    source = (ROOT / "layers" / "agentdesk" / "config" / "accounts.py").read_text()
    called = {
        "cognito-idp:" + "".join(w.title() for w in op.split("_")) for op in re.findall(r'_call\(\s*"(\w+)"', source)
    }
    assert called
    for spec in (f for f in wiring.FUNCTIONS if f.manages_users):
        granted = {
            action
            for s in synth.policy_statements(synth.role_id(spec.name))
            for action in _actions(s)
            if action.startswith("cognito-idp:")
        }
        assert granted == called, (
            f"{spec.name}: granted but not called {granted - called}, called but not granted {called - granted}"
        )


@pytest.mark.parametrize("spec", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_kinesis_write_only_for_publishers(synth: Synth, spec: wiring.Function) -> None:
    writes = [s for s in synth.policy_statements(synth.role_id(spec.name)) if "kinesis:PutRecords" in _actions(s)]
    expected = {synth.logical_id(f"Reporting/{pascal(name)}Stream/Resource") for name in spec.publishes_to}
    assert {ref for s in writes for r in _resources(s) for ref in refs(r)} == expected


def test_stream_failures_go_to_encrypted_queues(synth: Synth) -> None:
    queues = synth.of_type("AWS::SQS::Queue")
    mappings = synth.of_type("AWS::Lambda::EventSourceMapping")
    assert len(queues) == len(mappings)
    for queue in queues.values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True


# -- reporting ----------------------------------------------------------------------------------------------


def test_event_stream_is_on_demand_and_encrypted(synth: Synth) -> None:
    streams = synth.of_type("AWS::Kinesis::Stream")
    assert len(streams) == len(wiring.KINESIS_STREAMS or ("events",))
    for stream in streams.values():
        assert stream["Properties"]["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
        assert stream["Properties"]["StreamEncryption"] == {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}


def test_firehose_delivers_the_stream_to_the_lake_partitioned_by_date(synth: Synth) -> None:
    (delivery,) = synth.of_type("AWS::KinesisFirehose::DeliveryStream").values()
    props = delivery["Properties"]
    assert props["DeliveryStreamType"] == "KinesisStreamAsSource"
    assert synth.logical_id("Reporting/EventsStream/Resource") in refs(props["KinesisStreamSourceConfiguration"])
    s3 = props["ExtendedS3DestinationConfiguration"]
    assert s3["Prefix"] == "raw/events/dt=!{timestamp:yyyy-MM-dd}/"
    assert s3["ErrorOutputPrefix"].startswith("errors/events/!{firehose:error-output-type}/")
    assert s3["BucketARN"] == {"Fn::GetAtt": [synth.logical_id("Reporting/Lake/Resource"), "Arn"]}


def test_glue_database_catalogues_the_lake(synth: Synth) -> None:
    (database,) = synth.of_type("AWS::Glue::Database").values()
    assert database["Properties"]["DatabaseInput"]["Name"] == "agentdesk_reports"


# -- buckets and web hosting ---------------------------------------------------------------------------------


def test_every_bucket_blocks_public_access_encrypts_and_requires_tls(synth: Synth) -> None:
    buckets = synth.of_type("AWS::S3::Bucket")
    assert len(buckets) == 3
    policies = {p["Properties"]["Bucket"]["Ref"]: p for p in synth.of_type("AWS::S3::BucketPolicy").values()}
    for logical_id, bucket in buckets.items():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
            "SSEAlgorithm": "AES256"
        }
        deny_insecure = [
            s
            for s in policies[logical_id]["Properties"]["PolicyDocument"]["Statement"]
            if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        ]
        assert deny_insecure, f"{logical_id} must refuse plain HTTP"


def test_site_and_lake_buckets_write_server_access_logs(synth: Synth) -> None:
    logs_bucket = synth.logical_id("AccessLogs/Resource")
    for path in ("Web/Site/Resource", "Reporting/Lake/Resource"):
        config = synth.resources[synth.logical_id(path)]["Properties"]["LoggingConfiguration"]
        assert config["DestinationBucketName"] == {"Ref": logs_bucket}


def test_distribution_serves_the_spa_through_origin_access_control(synth: Synth) -> None:
    (distribution,) = synth.of_type("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {
        "Ref": synth.logical_id("Web/SecurityHeaders/Resource")
    }
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"]["Fn::GetAtt"][0] == synth.logical_id(
        "Web/Distribution/Origin1/S3OriginAccessControl/Resource"
    )
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    fallbacks = {e["ErrorCode"]: e for e in config["CustomErrorResponses"]}
    for code in (403, 404):
        assert fallbacks[code]["ResponseCode"] == 200
        assert fallbacks[code]["ResponsePagePath"] == "/index.html"


def _csp_text(synth: Synth) -> str:
    policy = synth.resources[synth.logical_id("Web/SecurityHeaders/Resource")]["Properties"]
    csp = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["Override"] is True
    return json.dumps(csp["ContentSecurityPolicy"])


def test_security_headers_are_strict(synth: Synth) -> None:
    policy = synth.resources[synth.logical_id("Web/SecurityHeaders/Resource")]["Properties"]
    headers = policy["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
    assert headers["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"] == {"Override": True}
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    csp = _csp_text(synth)
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_csp_lets_the_app_reach_exactly_its_apis_and_cognito(synth: Synth) -> None:
    csp = _csp_text(synth)
    assert "connect-src 'self' wss://" in csp
    assert "https://cognito-idp." in csp
    policy = synth.resources[synth.logical_id("Web/SecurityHeaders/Resource")]["Properties"]
    referenced = refs(policy)
    assert synth.logical_id("Realtime/Api/Resource") in referenced
    assert synth.logical_id("Http/Api/Resource") in referenced
    assert "*." not in csp, "no wildcard hosts"


def test_config_json_carries_the_real_endpoints(synth: Synth) -> None:
    (deployment,) = synth.of_type("Custom::CDKBucketDeployment").values()
    props = deployment["Properties"]
    assert len(props["SourceObjectKeys"]) == 2, "the built web app and config.json"
    markers = next(m for m in props["SourceMarkers"] if m)

    # The asset holds config.json with markers that the deployment replaces with deploy-time values.
    (config_file,) = synth.outdir.glob("asset.*/config.json")
    text = config_file.read_text(encoding="utf-8")
    for marker, value in markers.items():
        text = text.replace(marker, render(value))
    config = json.loads(text)

    ws_api = synth.logical_id("Realtime/Api/Resource")
    assert config == {
        "wsUrl": f"wss://<{ws_api}>.execute-api.eu-west-1.amazonaws.com/prod",
        "apiUrl": f"<{synth.logical_id('Http/Api/Resource')}.ApiEndpoint>/api",
        "region": "eu-west-1",
        "cognito": {
            "userPoolId": f"<{synth.logical_id('Auth/UserPool/Resource')}>",
            "clientId": f"<{synth.logical_id('Auth/UserPool/WebClient/Resource')}>",
            "endpoint": "https://cognito-idp.eu-west-1.amazonaws.com/",
        },
    }


def test_outputs_name_the_web_url_and_endpoints(synth: Synth) -> None:
    outputs = synth.template["Outputs"]
    assert {"WebUrl", "WebSocketUrl", "HttpApiUrl", "UserPoolId", "UserPoolClientId"} <= set(outputs)


def test_template_has_no_dependency_cycle(synth: Synth) -> None:
    assert dependency_cycle(synth.template) is None


def test_data_is_retained_but_the_transport_stream_is_not(synth: Synth) -> None:
    assert synth.resources[synth.logical_id("Reporting/Lake/Resource")]["DeletionPolicy"] == "Retain"
    assert synth.resources[synth.logical_id("Auth/UserPool/Resource")]["DeletionPolicy"] == "Retain"
    stream = synth.resources[synth.logical_id("Reporting/EventsStream/Resource")]
    assert stream.get("DeletionPolicy", "Delete") == "Delete"
