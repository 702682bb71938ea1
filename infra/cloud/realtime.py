"""The WebSocket API agents and supervisors stay connected to.

The API and its `prod` stage are created before the functions (which need the management endpoint),
and the routes after them (which need the functions): CloudFormation then sees a one-way dependency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from agentdesk import wiring

from .access_logs import access_logs
from .nag import suppress

STAGE = "prod"
# Every client together (messages and connects a second): a ceiling for the whole API, far above what the
# agents of one deployment send; one client is held to much less per connection by the handler's own limit.
STAGE_RATE_PER_SECOND = 500
STAGE_BURST = 1000

_ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "connectionId": "$context.connectionId",
    "routeKey": "$context.routeKey",
    "eventType": "$context.eventType",
    "status": "$context.status",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "principal": "$context.authorizer.principalId",
    "authorizerError": "$context.authorizer.error",
    "integrationError": "$context.integration.error",
    "integrationLatency": "$context.integration.latency",
}


class Realtime(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.api = apigwv2.WebSocketApi(
            self,
            "Api",
            api_name=f"{Stack.of(self).stack_name}-ws",
            description="Agent Desk WebSocket API: agent and supervisor commands, server pushes",
            route_selection_expression="$request.body.action",
        )
        self.stage = apigwv2.WebSocketStage(
            self,
            "Stage",
            web_socket_api=self.api,
            stage_name=STAGE,
            auto_deploy=True,
            access_log_settings=access_logs(self, "AccessLogs", _ACCESS_LOG_FIELDS),
            throttle=apigwv2.ThrottleSettings(rate_limit=STAGE_RATE_PER_SECOND, burst_limit=STAGE_BURST),
        )

    @property
    def url(self) -> str:
        """wss://<api id>.execute-api.<region>.amazonaws.com/prod, what the browser connects to."""
        return self.stage.url

    @property
    def management_endpoint(self) -> str:
        """https://<api id>.execute-api.<region>.amazonaws.com/prod, where functions post to connections."""
        return self.stage.callback_url

    def connection_arns(self) -> list[str]:
        """The @connections resources a pushing function may POST, GET and DELETE on this stage."""
        return [
            Stack.of(self).format_arn(
                service="execute-api",
                resource=self.api.api_id,
                resource_name=f"{STAGE}/{method}/@connections/*",
            )
            for method in ("POST", "GET", "DELETE")
        ]

    def add_routes(self, specs: Sequence[wiring.Function], functions: Mapping[str, lambda_.IFunction]) -> None:
        """One route per WebSocketRoute trigger, the $connect route behind the REQUEST authorizer. Each
        function has one integration for all its routes and one permission to be invoked by this API's
        routes: a permission per route (CDK's default) would cost a resource per action, against
        CloudFormation's 500 per stack."""
        authorizer_spec = next(
            ((fn, t) for fn in specs for t in fn.triggers if isinstance(t, wiring.WebSocketAuthorizer)),
            None,
        )
        authorizer = None
        if authorizer_spec is not None:
            fn, trigger = authorizer_spec
            authorizer = authorizers.WebSocketLambdaAuthorizer(
                "ConnectAuthorizer", functions[fn.name], identity_source=[trigger.identity_source]
            )
        for fn in specs:
            routes = [t for t in fn.triggers if isinstance(t, wiring.WebSocketRoute)]
            if not routes:
                continue
            handler = functions[fn.name]
            handler.add_permission(
                "WebSocketInvoke",
                principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
                source_arn=Stack.of(self).format_arn(
                    service="execute-api", resource=self.api.api_id, resource_name="*"
                ),
            )
            integration = _FunctionIntegration(f"{_route_id(fn.name)}Integration", handler)
            for trigger in routes:
                route = self.api.add_route(
                    trigger.route_key,
                    integration=integration,
                    authorizer=authorizer if trigger.route_key == "$connect" else None,
                    return_response=trigger.two_way,
                )
                if trigger.route_key != "$connect":
                    suppress(
                        route,
                        "APIG4",
                        "WebSocket APIs authorize once, on $connect (Lambda REQUEST authorizer); later "
                        "messages ride the authorized connection and the handler reads its principal.",
                    )


class _FunctionIntegration(apigwv2.WebSocketRouteIntegration):
    """A Lambda proxy integration shared by every route of one function, without the Lambda permission
    CDK's WebSocketLambdaIntegration adds per route (add_routes grants the API once per function)."""

    def __init__(self, integration_id: str, handler: lambda_.IFunction) -> None:
        super().__init__(integration_id)
        self._handler = handler

    def bind(self, *, route: apigwv2.IWebSocketRoute, scope: Construct) -> apigwv2.WebSocketRouteIntegrationConfig:
        uri = Stack.of(route).format_arn(
            service="apigateway",
            account="lambda",
            resource="path/2015-03-31/functions",
            resource_name=f"{self._handler.function_arn}/invocations",
        )
        return apigwv2.WebSocketRouteIntegrationConfig(type=apigwv2.WebSocketIntegrationType.AWS_PROXY, uri=uri)


def _route_id(route_key: str) -> str:
    return "".join(part.capitalize() for part in route_key.strip("$").replace("-", ".").split(".")) or "Route"
