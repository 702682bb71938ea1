"""The HTTP API behind the Cognito JWT authorizer: the signed-in user (/api/me) and the config API."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.http_app import app
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
