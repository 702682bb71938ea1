"""The HTTP API behind the Cognito JWT authorizer: the signed-in user (/api/me) and the config API."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.platform.observability import logger
from agentdesk.services.http_app import app


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
