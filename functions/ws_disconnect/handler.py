"""$disconnect: forget the connection; the agent's last one starts the presence grace timer."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import APIGatewayWebSocketDisconnectEventModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.agents import presence
from agentdesk.kernel.errors import AgentDeskError
from agentdesk.kernel.observability import logger
from agentdesk.realtime.connections import delete_connection
from agentdesk.realtime.dispatch import principal_of


def _user_of(event: dict[str, Any]) -> str | None:
    try:
        return principal_of(event).user_id
    except AgentDeskError:
        return None


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    disconnect = parse(event=event, model=APIGatewayWebSocketDisconnectEventModel)
    gone = delete_connection(disconnect.request_context.connection_id)
    # The record may be deleted already: the publisher deletes the record of a connection that answers 410
    # Gone, and a closing socket does so before its $disconnect runs. Whose connection it was is also in the
    # authorizer's context, which API Gateway hands to every route of the connection ($disconnect too), so
    # the agent's last disconnect starts the grace timer whoever deleted the record.
    user_id = gone.user_id if gone is not None else _user_of(event)
    logger.info("disconnected", extra={"userId": user_id, "recordFound": gone is not None})
    if user_id is not None:
        presence.disconnected(user_id)
    return {"statusCode": 200}
