"""Task of the offer-timeout state machine: the offer's time is up; withdraw it if still open and route again."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.interactions import routing, service
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    interaction_id = str(event["interactionId"])
    expired = service.expire_offer(interaction_id, str(event["offerId"]))
    if expired is None:
        return {"interactionId": interaction_id, "expired": False}
    agent_id = expired.declined_by[-1] if expired.declined_by else None
    after = routing.route(interaction_id, exclude=(agent_id,) if agent_id else ())
    return {"interactionId": interaction_id, "expired": True, "status": after.status.value if after else None}
