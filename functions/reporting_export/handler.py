"""Hourly (an EventBridge rule): exports each site's local day that ended; on demand: {"siteId", "date"}."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.kernel.observability import logger
from agentdesk.reporting import exports
from agentdesk.reporting.contracts import ExportRequest


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("source") == "aws.events":
        runs = exports.export_due()
    else:
        request = ExportRequest.model_validate(event)
        runs = [exports.export_day(request.siteId, request.date, exports.zone_of(request.siteId))]
    return {"exported": [run.model_dump(mode="json") for run in runs]}
