"""Events table stream → routing: new and re-queued interactions, waiting work when an agent frees up, and
the offer and wrap-up timers (Lambda's event filtering hands it only the event types it acts on)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord, DynamoDBRecordEventName
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.events import parse_event
from agentdesk.interactions.routing import on_event
from agentdesk.kernel.observability import logger

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> None:
    if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return
    result = on_event(parse_event(record.dynamodb.new_image["document"]))
    if result:
        logger.debug("routed", extra=result)


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
