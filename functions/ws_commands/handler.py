"""WebSocket commands: parse the frame, run the action as the connection's principal, reply once."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.actions import ACTIONS  # noqa: F401 - registers every action
from agentdesk.kernel.errors import AgentDeskError
from agentdesk.kernel.observability import logger
from agentdesk.realtime.dispatch import dispatch, principal_of, reply
from agentdesk.realtime.envelope import error, request_id_of


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    body = event.get("body")
    try:
        principal = principal_of(event)
    except AgentDeskError as exc:
        return reply(error(request_id_of(body), exc))
    connection_id = (event.get("requestContext") or {}).get("connectionId")
    return reply(dispatch(body, principal, connection_id=connection_id))
