"""The HTTP API (config/admin API, channel ingress) behind the Cognito JWT authorizer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from agentdesk import wiring

from .access_logs import access_logs
from .nag import suppress

# Every caller together (requests a second): a ceiling for the whole API; one user is held to much less by the
# handler's per-user limit (domain/rate_limits.py).
STAGE_RATE_PER_SECOND = 200
STAGE_BURST = 400

_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "principal": "$context.authorizer.claims.sub",
    "responseLength": "$context.responseLength",
    "authorizerError": "$context.authorizer.error",
    "integrationError": "$context.integrationErrorMessage",
    "integrationLatency": "$context.integrationLatency",
}


class HttpApi(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        user_pool: cognito.IUserPool,
        client: cognito.IUserPoolClient,
        methods: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        self.api = apigwv2.HttpApi(
            self,
            "Api",
            api_name=f"{Stack.of(self).stack_name}-http",
            description="Agent Desk HTTP API: config/admin API and channel ingress",
            create_default_stage=False,
            # Any origin may call, none with credentials: every call carries a bearer token in the
            # Authorization header and no cookie, so the origin list would add no protection, and naming
            # the CloudFront origin here would make the API and the distribution (whose CSP names this
            # API) depend on each other.
            cors_preflight=apigwv2.CorsPreflightOptions(
                allow_origins=["*"],
                allow_methods=[apigwv2.CorsHttpMethod(m) for m in sorted({*methods, "OPTIONS"})],
                # If-Match carries the ETag of an edit; the client reads ETag, Location and Retry-After (429).
                allow_headers=["authorization", "content-type", "if-match"],
                expose_headers=["etag", "location", "retry-after"],
                allow_credentials=False,
                max_age=Duration.hours(1),
            ),
        )
        self.stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=self.api,
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=access_logs(self, "AccessLogs", _ACCESS_LOG_FIELDS),
            throttle=apigwv2.ThrottleSettings(rate_limit=STAGE_RATE_PER_SECOND, burst_limit=STAGE_BURST),
        )
        self.authorizer = authorizers.HttpUserPoolAuthorizer(
            "CognitoJwt", user_pool, user_pool_clients=[client], authorizer_name="cognito-jwt"
        )

    @property
    def url(self) -> str:
        """https://<api id>.execute-api.<region>.amazonaws.com (no trailing slash)."""
        return self.api.api_endpoint

    def add_routes(self, specs: Sequence[wiring.Function], functions: Mapping[str, lambda_.IFunction]) -> None:
        """One route per HttpRoute trigger, each behind the JWT authorizer unless declared public."""
        for fn in specs:
            integration = None
            for trigger in fn.triggers:
                if not isinstance(trigger, wiring.HttpRoute):
                    continue
                integration = integration or integrations.HttpLambdaIntegration(
                    f"{_pascal(fn.name)}Integration", functions[fn.name]
                )
                routes = self.api.add_routes(
                    path=trigger.path,
                    methods=[apigwv2.HttpMethod(trigger.method.upper())],
                    integration=integration,
                    authorizer=self.authorizer if trigger.authorized else apigwv2.HttpNoneAuthorizer(),
                )
                if not trigger.authorized:
                    for route in routes:
                        suppress(
                            route,
                            "APIG4",
                            f"{trigger.method} {trigger.path} is declared public in the wiring "
                            "(authorized=False); its handler authenticates the caller itself.",
                        )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))
