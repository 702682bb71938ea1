"""Task of the presence state machine: the disconnect grace period is over."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.agents.presence import grace_expired
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return grace_expired(str(event["agentId"]), str(event["timerId"]))
