"""Task of the scheduled-logoff state machine: `find` the agents logged in at a site, `logoff` one."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.agents import scheduled_logoff
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("step") == "find":
        return scheduled_logoff.find(event.get("siteId"))
    if event.get("step") == "logoff":
        return scheduled_logoff.log_off(str(event["agentId"]))
    raise ValueError(f"unknown step {event.get('step')!r}; expected 'find' or 'logoff'")
