"""Every few minutes (an EventBridge rule): start the disconnect grace of the agents whose last connection
ended with neither a $disconnect nor a 410 (its record simply expired)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.agents.presence import sweep
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    parse(event=event, model=EventBridgeModel)  # the rule's scheduled event: nothing in it is needed
    counts = sweep()
    logger.info("presence swept", extra=counts)
    return counts
