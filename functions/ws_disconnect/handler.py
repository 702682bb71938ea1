"""$disconnect: forget the connection."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import APIGatewayWebSocketDisconnectEventModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.platform.observability import logger
from agentdesk.services import presence
from agentdesk.store.connections import delete_connection


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    disconnect = parse(event=event, model=APIGatewayWebSocketDisconnectEventModel)
    gone = delete_connection(disconnect.request_context.connection_id)
    logger.info("disconnected", extra={"userId": gone.user_id if gone else None})
    if gone is not None:
        presence.disconnected(gone.user_id)
    return {"statusCode": 200}
