"""Events table stream → Kinesis and WebSocket pushes, with partial batch failure reporting."""

from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord, DynamoDBRecordEventName
from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.events import Event, parse_event
from agentdesk.kernel.observability import logger
from agentdesk.realtime.publisher import batch_publisher, register_context

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord, publish: Callable[[Event], Any]) -> None:
    if record.event_name != DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return  # TTL expiries (REMOVE) and updates are not new events
    image = record.dynamodb.new_image
    publish(parse_event(image["document"]))


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    register_context(context)
    publish = batch_publisher()  # the configuration is read at most once per batch
    return process_partial_response(
        event=event, record_handler=partial(record_handler, publish=publish), processor=processor, context=context
    )
