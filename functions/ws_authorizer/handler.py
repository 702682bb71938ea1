"""$connect REQUEST authorizer: a valid Cognito IdToken in `?token=` or the connection is refused."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.platform.auth import AuthError, authenticate
from agentdesk.platform.observability import logger


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    token = (event.get("queryStringParameters") or {}).get("token")
    try:
        principal = authenticate(token)
    except AuthError as exc:
        logger.info("connection refused", extra={"reason": str(exc)})
        raise PermissionError("Unauthorized") from exc  # API Gateway answers 401 and never opens the socket
    return {
        "principalId": principal.user_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}],
        },
        "context": principal.to_dict(),
    }
