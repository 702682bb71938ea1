"""$disconnect: forget the connection; the agent's last one starts the presence grace timer."""

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import APIGatewayWebSocketDisconnectEventModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.agents import presence
from agentdesk.kernel.errors import AgentDeskError
from agentdesk.kernel.identity import Role
from agentdesk.kernel.observability import logger
from agentdesk.realtime.connections import Connection, delete_connection
from agentdesk.realtime.dispatch import principal_of


def _agent_of(event: dict[str, Any]) -> str | None:
    """The staff member the authorizer's context names (None: a customer, or no identity)."""
    try:
        principal = principal_of(event)
    except AgentDeskError:
        return None
    return None if principal.is_customer else principal.user_id


def _agent_in(connection: Connection) -> str | None:
    """The staff member whose connection it was (None: a customer's, who has no presence)."""
    return None if connection.role == Role.CUSTOMER.value else connection.user_id


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    disconnect = parse(event=event, model=APIGatewayWebSocketDisconnectEventModel)
    gone = delete_connection(disconnect.request_context.connection_id)
    # The record may be deleted already: the publisher deletes the record of a connection that answers 410
    # Gone, and a closing socket does so before its $disconnect runs. Whose connection it was is also in the
    # authorizer's context, which API Gateway hands to every route of the connection ($disconnect too), so
    # the agent's last disconnect starts the grace timer whoever deleted the record.
    user_id = _agent_of(event) if gone is None else _agent_in(gone)
    logger.info("disconnected", extra={"userId": user_id, "recordFound": gone is not None})
    if user_id is not None:
        presence.disconnected(user_id)
    return {"statusCode": 200}
