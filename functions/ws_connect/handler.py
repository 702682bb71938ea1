"""$connect: record the connection (the authorizer has already verified who it is)."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import APIGatewayWebSocketConnectEventModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.agents import presence
from agentdesk.kernel.observability import logger
from agentdesk.kernel.settings import get_settings
from agentdesk.realtime.connections import save_connection
from agentdesk.realtime.dispatch import principal_of


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    connect = parse(event=event, model=APIGatewayWebSocketConnectEventModel)
    principal = principal_of(event)
    save_connection(connect.request_context.connection_id, principal, get_settings().connection_ttl_seconds)
    if not principal.is_customer:  # a customer has no agent state and no presence
        presence.connected(principal)
    logger.info("connected", extra={"userId": principal.user_id, "role": principal.role.value})
    return {"statusCode": 200}
