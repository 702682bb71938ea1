"""Every Lambda function of wiring.FUNCTIONS, with the environment and least-privilege role it declares.

Nothing here names a particular function: a new entry in the wiring gets its function, log group,
role, grants, event sources and schedules from the same code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from agentdesk import wiring

from .layer import ARCHITECTURE, RUNTIME
from .nag import regex, suppress
from .paths import ASSET_EXCLUDES, FUNCTIONS_DIR
from .reporting import stream_env_var

SERVICE_NAME = "agentdesk"
METRICS_NAMESPACE = "AgentDesk"
STREAM_RETRY_ATTEMPTS = 5

# Only what the config API's user management does; never pool-wide administration.
USER_ADMIN_ACTIONS = (
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminDeleteUser",
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminRemoveUserFromGroup",
    "cognito-idp:AdminSetUserPassword",
    "cognito-idp:AdminUserGlobalSignOut",
)


@dataclass(frozen=True)
class Resources:
    """What the functions are given access to, built before them."""

    tables: Mapping[str, dynamodb.Table]
    streams: Mapping[str, kinesis.Stream]
    user_pool: cognito.IUserPool
    user_pool_client: cognito.IUserPoolClient
    ws_management_endpoint: str
    ws_connection_arns: Sequence[str]
    log_level: str = "INFO"
    reserve_concurrency: bool = True  # off for accounts whose concurrency quota is below what is reserved
    customer_token_secret: secretsmanager.ISecret | None = None  # for functions with customer_tokens


def state_machine_env_var(name: str) -> str:
    return f"{name.upper().replace('-', '_')}_STATE_MACHINE_ARN"


class Functions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        specs: Sequence[wiring.Function],
        resources: Resources,
        layer: lambda_.ILayerVersion,
        extra_layers: Mapping[str, Sequence[lambda_.ILayerVersion]] | None = None,
        table_specs: Mapping[str, wiring.Table] = wiring.TABLES,
        code_dir: Path = FUNCTIONS_DIR,
    ) -> None:
        super().__init__(scope, construct_id)
        self.specs = tuple(specs)
        self.resources = resources
        self.table_specs = table_specs
        self.code_dir = code_dir
        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        for spec in self.specs:
            self._build(spec, [layer, *(extra_layers or {}).get(spec.name, ())])

    def _build(self, spec: wiring.Function, layers: list[lambda_.ILayerVersion]) -> None:
        code_dir = self.code_dir / spec.directory
        if not (code_dir / "handler.py").is_file():
            raise FileNotFoundError(f"wiring declares {spec.name!r} but {code_dir}/handler.py does not exist")
        scope = Construct(self, _pascal(spec.name))
        log_group = logs.LogGroup(
            scope, "Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # A role of its own, without the AWS managed basic-execution policy: it may write its own logs only.
        role = iam.Role(
            scope,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Agent Desk {spec.name}",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        function = lambda_.Function(
            scope,
            "Function",
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler="handler.handler",
            code=lambda_.Code.from_asset(str(code_dir), exclude=ASSET_EXCLUDES),
            layers=layers,
            role=role,
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            reserved_concurrent_executions=spec.reserved_concurrency if self.resources.reserve_concurrency else None,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            environment=self._environment(spec),
        )
        self._grant(spec, function, role)
        self._add_event_sources(spec, scope, function)
        suppress(
            scope,
            "L1",
            "Pinned to python3.13 on purpose: the layer's binary wheels (pydantic-core, cryptography) "
            "are built for CPython 3.13 and the code is tested on it; moving runtimes is a planned change.",
        )
        star_reason = (
            "X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; active "
            "tracing requires Resource '*'."
        )
        if any(isinstance(t, wiring.TableStream) for t in spec.triggers):
            star_reason += (
                " dynamodb:ListStreams has none either; the stream event source mapping needs it with "
                "Resource '*' (records are read from the declared table's stream only)."
            )
        suppress(role, "IAM5", star_reason, applies_to=["Resource::*"])
        self.functions[spec.name] = function
        self.roles[spec.name] = role

    def _environment(self, spec: wiring.Function) -> dict[str, str]:
        res = self.resources
        env = {
            "POWERTOOLS_SERVICE_NAME": SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "LOG_LEVEL": res.log_level,
            # The function checks, on its first read of the settings, every variable its wiring needs.
            "AGENTDESK_FUNCTION": spec.name,
            # Every function may meet a token (the authorizer verifies it, the handlers read its claims).
            "USER_POOL_ID": res.user_pool.user_pool_id,
            "USER_POOL_CLIENT_ID": res.user_pool_client.user_pool_client_id,
        }
        for table_name in spec.tables:
            env[self.table_specs[table_name].env_var] = res.tables[table_name].table_name
        if spec.pushes:
            env["WS_MANAGEMENT_ENDPOINT"] = res.ws_management_endpoint
        if spec.customer_tokens:
            env["CUSTOMER_TOKEN_SECRET_ARN"] = self._customer_token_secret(spec).secret_arn
        for stream_name in spec.publishes_to:
            env.setdefault("EVENT_STREAM", self._stream(spec, stream_name).stream_name)
            env[stream_env_var(stream_name)] = self._stream(spec, stream_name).stream_name
        return env

    def _stream(self, spec: wiring.Function, name: str) -> kinesis.Stream:
        try:
            return self.resources.streams[name]
        except KeyError:
            raise KeyError(f"{spec.name} uses Kinesis stream {name!r}, which is not declared") from None

    def _customer_token_secret(self, spec: wiring.Function) -> secretsmanager.ISecret:
        if self.resources.customer_token_secret is None:
            raise ValueError(f"{spec.name} issues or verifies customer tokens, but the stack has no key for them")
        return self.resources.customer_token_secret

    def _grant(self, spec: wiring.Function, function: lambda_.Function, role: iam.Role) -> None:
        res = self.resources
        stack = Stack.of(self)
        for table_name, access in spec.tables.items():
            table = res.tables[table_name]
            if access is wiring.Access.WRITE:
                table.grant_read_write_data(role)
            else:
                table.grant_read_data(role)
            if self.table_specs[table_name].indexes:
                arn = stack.resolve(table.table_arn)["Fn::GetAtt"][0]
                suppress(
                    role,
                    "IAM5",
                    f"Queries the indexes of the {table_name} table; index ARNs are the table ARN "
                    "followed by /index/<name>, granted together for that one table.",
                    applies_to=[f"Resource::<{arn}.Arn>/index/*"],
                )
        if spec.pushes:
            role.add_to_policy(
                iam.PolicyStatement(actions=["execute-api:ManageConnections"], resources=list(res.ws_connection_arns))
            )
            suppress(
                role,
                "IAM5",
                "Posts to, reads and closes WebSocket connections of the prod stage only; connection ids "
                "are created at run time, so the @connections/* path cannot be narrower.",
                applies_to=[
                    regex(r"^Resource::arn:<AWS::Partition>:execute-api:.*/prod/(POST|GET|DELETE)/@connections/\*$")
                ],
            )
        if spec.customer_tokens:
            # Reading the key and nothing more (not DescribeSecret, not the other versions' metadata).
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue"],
                    resources=[self._customer_token_secret(spec).secret_arn],
                )
            )
        if spec.manages_users:
            role.add_to_policy(
                iam.PolicyStatement(actions=list(USER_ADMIN_ACTIONS), resources=[res.user_pool.user_pool_arn])
            )
        for stream_name in spec.publishes_to:
            self._stream(spec, stream_name).grant_write(role)

    def _add_event_sources(self, spec: wiring.Function, scope: Construct, function: lambda_.Function) -> None:
        for trigger in spec.triggers:
            if isinstance(trigger, wiring.TableStream):
                table = self.resources.tables[trigger.table]
                if not self.table_specs[trigger.table].stream:
                    raise ValueError(f"{spec.name} reads the stream of {trigger.table}, which has stream=False")
                pattern = trigger.filter_pattern()
                function.add_event_source(
                    sources.DynamoEventSource(
                        table,
                        starting_position=lambda_.StartingPosition.LATEST,
                        batch_size=trigger.batch_size,
                        filters=[lambda_.FilterCriteria.filter(pattern)] if pattern else None,
                        report_batch_item_failures=True,
                        bisect_batch_on_error=True,
                        retry_attempts=STREAM_RETRY_ATTEMPTS,
                        on_failure=sources.SqsDlq(self._dead_letters(scope, f"{_pascal(trigger.table)}Stream")),
                    )
                )
            elif isinstance(trigger, wiring.KinesisSource):
                function.add_event_source(
                    sources.KinesisEventSource(
                        self._stream(spec, trigger.stream),
                        starting_position=lambda_.StartingPosition.LATEST,
                        batch_size=trigger.batch_size,
                        report_batch_item_failures=True,
                        bisect_batch_on_error=True,
                        retry_attempts=STREAM_RETRY_ATTEMPTS,
                        on_failure=sources.SqsDlq(self._dead_letters(scope, f"{_pascal(trigger.stream)}Kinesis")),
                    )
                )
            elif isinstance(trigger, wiring.Deployment):
                # CloudFormation invokes the function with the deployer's rights and waits for its answer.
                CustomResource(
                    scope,
                    f"{_pascal(spec.name)}OnDeploy",
                    service_token=function.function_arn,
                    resource_type=f"Custom::{_pascal(spec.name)}",
                    properties={"Version": trigger.version},
                )
            elif isinstance(trigger, wiring.Every):
                events.Rule(
                    scope,
                    f"Every{trigger.minutes}Minutes",
                    description=f"Runs {spec.name} {trigger.expression}",
                    schedule=events.Schedule.expression(trigger.expression),
                    # an invocation EventBridge could not deliver before the next one is due is left to that one
                    targets=[targets.LambdaFunction(function, max_event_age=Duration.minutes(trigger.minutes))],
                )
            elif not isinstance(
                trigger,
                wiring.WebSocketRoute | wiring.WebSocketAuthorizer | wiring.HttpRoute | wiring.StateMachineTask,
            ):
                # The gateways and state machines wire the other triggers; anything else is new and unbuilt.
                raise TypeError(f"{spec.name}: the CDK app does not know trigger {trigger!r}")

    def _dead_letters(self, scope: Construct, construct_id: str) -> sqs.Queue:
        queue = sqs.Queue(
            scope,
            f"{construct_id}Failures",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        suppress(
            queue,
            "SQS3",
            "This queue is itself the on-failure destination of a stream event source mapping; it keeps "
            "the failed batch descriptions for 14 days and needs no queue behind it.",
        )
        return queue


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
