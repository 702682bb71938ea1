"""Custom resource run on deployment: the default and system pause codes that do not exist yet."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.config.defaults import install_defaults
from agentdesk.kernel.deployment import respond
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    try:
        created = install_defaults() if event["RequestType"] in ("Create", "Update") else []
    except Exception as exc:
        logger.exception("installing the defaults failed")
        respond(event, "FAILED", f"{type(exc).__name__}: {exc}")
        return
    logger.info("defaults installed", extra={"pauseCodesCreated": created})
    respond(event, "SUCCESS", data={"Created": ",".join(created)})
