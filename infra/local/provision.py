"""Creates in the local AWS what the CDK app creates in an account, from the same wiring:
tables (keys, indexes, TTL, streams), the Cognito user pool with its groups and app client, the key of the
customer tokens (a Secrets Manager secret), the Kinesis event stream, the state machines with their ASL
substitutions and the EventBridge rules of the functions that run at a fixed rate (the local scheduler fires
them).
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from agentdesk import wiring
from infra.local.lambda_runtime import ACCOUNT_ID, LambdaRuntime

ROOT = Path(__file__).resolve().parents[2]
STATEMACHINES = ROOT / "statemachines"
GROUPS = ("agents", "supervisors", "admins")
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class Provisioned:
    table_names: dict[str, str]
    user_pool_id: str
    user_pool_client_id: str
    state_machine_arns: dict[str, str]
    streams: dict[str, str]
    schedule_group: str
    scheduler_role_arn: str
    rules: dict[str, str] = field(default_factory=dict)  # rule name → the function it invokes
    customer_token_secret_arn: str = ""
    lake_bucket: str = ""  # the event lake (raw/events/, exports/): the local forwarder writes the raw events


def table_name(key: str) -> str:
    return f"agentdesk-{key}"


def create_table(client: Any, key: str, table: wiring.Table) -> str:
    name = table_name(key)
    attributes = {table.partition_key}
    schema = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    if table.sort_key:
        attributes.add(table.sort_key)
        schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
    indexes = []
    for index in table.indexes:
        attributes.add(index.partition_key)
        key_schema = [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
        if index.sort_key:
            attributes.add(index.sort_key)
            key_schema.append({"AttributeName": index.sort_key, "KeyType": "RANGE"})
        indexes.append({"IndexName": index.name, "KeySchema": key_schema, "Projection": {"ProjectionType": "ALL"}})
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)],
        "KeySchema": schema,
        "BillingMode": "PAY_PER_REQUEST",
    }
    if indexes:
        request["GlobalSecondaryIndexes"] = indexes
    if table.stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    client.create_table(**request)
    if table.ttl_attribute:
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute}
        )
    return name


def create_user_pool(client: Any) -> tuple[str, str]:
    pool = client.create_user_pool(
        PoolName="agentdesk-users",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        AutoVerifiedAttributes=["email"],
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True},
        ],
    )["UserPool"]
    app_client = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="agentdesk-web",
        GenerateSecret=False,
        ReadAttributes=["email", "email_verified", "name"],
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    for group in GROUPS:
        client.create_group(GroupName=group, UserPoolId=pool["Id"])
    return pool["Id"], app_client["ClientId"]


def create_customer_token_secret(client: Any) -> str:
    """The key customers' chat tokens are signed with: random, as the CDK app's generated secret is."""
    return str(
        client.create_secret(
            Name="agentdesk-customer-token-key",
            Description="Agent Desk: the HS256 key customers' chat tokens are signed with",
            SecretString=secrets.token_urlsafe(48),
        )["ARN"]
    )


def substitutions(runtime: LambdaRuntime, machine: str) -> dict[str, str]:
    """ASL placeholder → ARN of the function that declares itself a task of this state machine."""
    values = {}
    for fn in wiring.FUNCTIONS:
        for trigger in fn.triggers:
            if isinstance(trigger, wiring.StateMachineTask) and trigger.state_machine == machine:
                values[trigger.substitution] = runtime.arn(fn)
    return values


def render_asl(path: Path, values: dict[str, str]) -> str:
    text = path.read_text()
    missing = sorted(set(_PLACEHOLDER.findall(text)) - set(values))
    if missing:
        raise ValueError(f"{path.name}: no value for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def create_state_machines(client: Any, runtime: LambdaRuntime, region: str) -> dict[str, str]:
    arns = {}
    for key, machine in wiring.STATE_MACHINES.items():
        definition = render_asl(STATEMACHINES / machine.file, substitutions(runtime, key))
        json.loads(definition)  # fail loudly on a broken file
        arns[key] = client.create_state_machine(
            name=f"agentdesk-{key}",
            definition=definition,
            roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/agentdesk-{key}",
        )["stateMachineArn"]
    return arns


def rule_name(fn: wiring.Function, trigger: wiring.Every) -> str:
    return f"agentdesk-{fn.name}-every-{trigger.minutes}m"


def create_rules(client: Any, runtime: LambdaRuntime) -> dict[str, str]:
    """One EventBridge rule per fixed-rate trigger, targeting its function, as the CDK app builds them."""
    rules = {}
    for fn in wiring.FUNCTIONS:
        for trigger in fn.triggers:
            if not isinstance(trigger, wiring.Every):
                continue
            name = rule_name(fn, trigger)
            client.put_rule(
                Name=name,
                ScheduleExpression=trigger.expression,
                State="ENABLED",
                Description=f"Runs {fn.name} {trigger.expression}",
            )
            client.put_targets(Rule=name, Targets=[{"Id": "Target0", "Arn": runtime.arn(fn)}])
            rules[name] = fn.name
    return rules


def provision(endpoint: str, region: str, runtime: LambdaRuntime) -> Provisioned:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=region)

    dynamodb = client("dynamodb")
    tables = {key: create_table(dynamodb, key, table) for key, table in wiring.TABLES.items()}
    pool_id, client_id = create_user_pool(client("cognito-idp"))
    customer_token_secret = create_customer_token_secret(client("secretsmanager"))
    kinesis = client("kinesis")
    streams = {}
    for key in wiring.KINESIS_STREAMS:
        streams[key] = f"agentdesk-{key}"
        kinesis.create_stream(StreamName=streams[key], ShardCount=1)
    machines = create_state_machines(client("stepfunctions"), runtime, region)
    group = "agentdesk"
    client("scheduler").create_schedule_group(Name=group)
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/agentdesk-scheduler"
    rules = create_rules(client("events"), runtime)
    lake_bucket = "agentdesk-lake"
    client("s3").create_bucket(Bucket=lake_bucket)
    return Provisioned(
        tables,
        pool_id,
        client_id,
        machines,
        streams,
        group,
        role,
        rules,
        customer_token_secret_arn=customer_token_secret,
        lake_bucket=lake_bucket,
    )
