"""Task of the wrap-up state machine: the wrap-up's time is up; "Unsure - No agent submission" unless the
agent submitted a disposition first (a conditional write: never both)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.interactions import service
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    interaction_id = str(event["interactionId"])
    closed = service.time_out_wrap_up(interaction_id)
    return {"interactionId": interaction_id, "timedOut": closed is not None}
