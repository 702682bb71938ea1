"""The reports API behind the Cognito JWT authorizer (/api/reports...): the same HTTP application as http-api
(agentdesk/http_app.py: sign-in checks, roles, errors, OpenAPI), deployed as its own function that may read
the lake bucket and nothing else of it."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.http_app import app
from agentdesk.kernel.observability import logger


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
