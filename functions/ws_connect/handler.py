"""$connect: record the connection (the authorizer has already verified who it is)."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import APIGatewayWebSocketConnectEventModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.platform.observability import logger
from agentdesk.platform.settings import get_settings
from agentdesk.services import presence
from agentdesk.services.ws_dispatch import principal_of
from agentdesk.store.connections import save_connection


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    connect = parse(event=event, model=APIGatewayWebSocketConnectEventModel)
    principal = principal_of(event)
    save_connection(connect.request_context.connection_id, principal, get_settings().connection_ttl_seconds)
    presence.connected(principal)
    logger.info("connected", extra={"userId": principal.user_id, "role": principal.role.value})
    return {"statusCode": 200}
