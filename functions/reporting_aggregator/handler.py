"""Kinesis events → per-agent daily metrics (idempotent on eventId), with partial batch failure reporting."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.kernel.observability import logger
from agentdesk.reporting import aggregator

processor = BatchProcessor(event_type=EventType.KinesisDataStreams)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = aggregator.aggregate(event.get("Records") or [])
    logger.debug(
        "aggregated",
        extra={
            "counted": outcome.counted,
            "duplicates": outcome.duplicates,
            "dead": outcome.dead,
            "failed": len(outcome.failed),
        },
    )
    return process_partial_response(
        event=event, record_handler=aggregator.record_handler(outcome), processor=processor, context=context
    )
