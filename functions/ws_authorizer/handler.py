"""$connect REQUEST authorizer: a valid token in `?token=`, or the connection is refused. Either a Cognito
IdToken of a user the directory still lets in (not deleted, not disabled) — the context carries the user as
the directory has them (their current role) — or a customer token (kernel/customer_tokens.py): the context
carries the customer (their contact id, role `customer`) and the one interaction they may act on. Customers
are not in the directory.

An address that has sent too many bad tokens is refused before its token is even read (the cheap path),
until its limit refills; refusals are logged as sampled warnings, by reason, never with the token.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from agentdesk.config import directory
from agentdesk.kernel.auth import AuthError, authenticate_connection
from agentdesk.kernel.errors import AgentDeskError
from agentdesk.kernel.observability import SampledWarnings, logger
from agentdesk.kernel.rate_limit import limiter
from agentdesk.kernel.settings import get_settings

REFUSALS = SampledWarnings("connection refused")


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    source_ip = str(((event.get("requestContext") or {}).get("identity") or {}).get("sourceIp") or "unknown")
    refused_tokens = limiter("refused-tokens", get_settings().refused_token_limit)
    if refused_tokens.retry_after(source_ip) is not None:
        REFUSALS.warning("too-many-bad-tokens", sourceIp=source_ip)
        raise PermissionError("Unauthorized")  # API Gateway answers 401 and never opens the socket
    token = (event.get("queryStringParameters") or {}).get("token")
    try:
        claimed = authenticate_connection(token)
    except AuthError as exc:
        refused_tokens.take(source_ip)
        REFUSALS.warning(exc.reason, sourceIp=source_ip)
        raise PermissionError("Unauthorized") from exc
    principal = claimed
    if not claimed.is_customer:
        try:
            # a good token of a user the directory no longer lets in (deleted, disabled): not a bad token
            principal = directory.current().authorize(claimed)
        except AgentDeskError as exc:
            REFUSALS.warning("account-not-active", sourceIp=source_ip)
            raise PermissionError("Unauthorized") from exc
    return {
        "principalId": principal.user_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}],
        },
        "context": principal.to_dict(),
    }
