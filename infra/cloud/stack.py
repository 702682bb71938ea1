"""AgentDeskStack: the whole product in one stack, composed of one construct per concern.

Build order matters for the dependency graph: the APIs exist before the functions (which get their
ids in the environment), and the routes, stream mappings and state machines after them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from agentdesk import wiring

from .auth import Auth
from .data import Data
from .functions import Functions, Resources
from .http_api import HttpApi
from .layer import DUCKDB_FUNCTIONS, DuckDbLayer, SharedLayer
from .nag import suppress
from .orchestration import Orchestration
from .paths import DEFAULT_WEB_DIST, STATEMACHINES_DIR
from .realtime import Realtime
from .reporting import Reporting
from .web import WebHosting


class AgentDeskStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        web_dist: Path = DEFAULT_WEB_DIST,
        retain_data: bool = True,
        log_level: str = "INFO",
        reserve_concurrency: bool = True,
        functions: Sequence[wiring.Function] = wiring.FUNCTIONS,
        tables: Mapping[str, wiring.Table] = wiring.TABLES,
        state_machines: Mapping[str, wiring.StateMachine] = wiring.STATE_MACHINES,
        asl_dir: Path = STATEMACHINES_DIR,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        data_removal = RemovalPolicy.RETAIN if retain_data else RemovalPolicy.DESTROY

        self.access_logs = self._access_log_bucket(data_removal)
        self.auth = Auth(self, "Auth", removal_policy=data_removal)
        self.data = Data(self, "Data", tables=tables, removal_policy=data_removal)
        self.reporting = Reporting(self, "Reporting", access_logs=self.access_logs, removal_policy=data_removal)
        self.realtime = Realtime(self, "Realtime")
        self.http = HttpApi(
            self,
            "Http",
            user_pool=self.auth.user_pool,
            client=self.auth.client,
            methods=[
                t.method.upper()
                for fn in functions
                for t in fn.triggers
                if isinstance(t, wiring.HttpRoute) and t.method != "ANY"
            ],
        )
        self.layer = SharedLayer(self, "Shared")
        self.duckdb_layer = DuckDbLayer(self, "DuckDb")
        self.functions = Functions(
            self,
            "Functions",
            specs=functions,
            table_specs=tables,
            layer=self.layer.layer,
            extra_layers={name: [self.duckdb_layer.layer] for name in DUCKDB_FUNCTIONS},
            resources=Resources(
                tables=self.data.tables,
                streams=self.reporting.streams,
                user_pool=self.auth.user_pool,
                user_pool_client=self.auth.client,
                ws_management_endpoint=self.realtime.management_endpoint,
                ws_connection_arns=self.realtime.connection_arns(),
                log_level=log_level,
                reserve_concurrency=reserve_concurrency,
                customer_token_secret=self.auth.customer_token_secret,
            ),
        )
        self.reporting.grant_lake(functions, self.functions.functions)
        self.realtime.add_routes(functions, self.functions.functions)
        self.http.add_routes(functions, self.functions.functions)
        self.orchestration = Orchestration(
            self,
            "Orchestration",
            machines=state_machines,
            specs=functions,
            functions=self.functions.functions,
            roles=self.functions.roles,
            asl_dir=asl_dir,
        )

        self.runtime_config = {
            "wsUrl": self.realtime.url,
            "apiUrl": f"{self.http.url}/api",  # the routes live under /api, as on the local stack
            "region": self.region,
            "cognito": {
                "userPoolId": self.auth.user_pool.user_pool_id,
                "clientId": self.auth.client.user_pool_client_id,
                "endpoint": self.auth.endpoint,
            },
        }
        self.web = WebHosting(
            self,
            "Web",
            access_logs=self.access_logs,
            connect_src=[
                f"wss://{self.realtime.api.api_id}.execute-api.{self.region}.{self.url_suffix}",
                self.http.url,
                f"https://cognito-idp.{self.region}.{self.url_suffix}",
            ],
            web_dist=web_dist,
            runtime_config=self.runtime_config,
        )

        Validations.of(self).acknowledge(
            Acknowledgment(
                id="CloudFormation-Validate::W7001",
                reason="aws-cdk-lib's Firehose construct always adds its CIDR-block mapping (used only for "
                "Redshift and HTTP endpoint destinations); an unused mapping is harmless.",
            )
        )

        CfnOutput(self, "WebUrl", value=self.web.url, description="The web app (agent workspace, wallboard, admin)")
        CfnOutput(self, "WebSocketUrl", value=self.realtime.url)
        CfnOutput(self, "HttpApiUrl", value=self.http.url)
        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.auth.client.user_pool_client_id)
        CfnOutput(self, "LakeBucket", value=self.reporting.lake.bucket_name)

    def _access_log_bucket(self, removal_policy: RemovalPolicy) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            # CloudFront standard logs are delivered with an ACL grant, which needs object-writer ownership.
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs", expiration=Duration.days(90))],
            removal_policy=removal_policy,
        )
        suppress(
            bucket,
            "S1",
            "This is the access-log bucket of the site and lake buckets and CloudFront; logging it to "
            "itself would log its own log deliveries.",
        )
        return bucket
