"""Push to WebSocket connections through the API Gateway management API.

A connection that is gone (410) is reported back so the caller deletes it.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from agentdesk.kernel import aws
from agentdesk.kernel.observability import logger
from agentdesk.kernel.settings import get_settings


def _client(endpoint: str) -> Any:
    return aws.client("apigatewaymanagementapi", endpoint_url=endpoint)


def _gone(exc: ClientError) -> bool:
    """API Gateway no longer has the connection (GoneException, HTTP 410)."""
    if exc.response.get("Error", {}).get("Code") in ("GoneException", "410"):
        return True
    return bool(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 410)


def send(connection_id: str, message: dict[str, Any]) -> bool:
    """Send one message; False when the connection no longer exists."""
    client = _client(get_settings().require("ws_management_endpoint"))
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=json.dumps(message, separators=(",", ":")).encode())
    except ClientError as exc:
        if _gone(exc):
            return False
        raise
    return True


def is_open(connection_id: str) -> bool:
    """Whether API Gateway still has the connection (GetConnection). False only when it answers that the
    connection is gone; when it cannot be asked (no management endpoint, an error) the connection counts as
    open, so that doubt never turns an agent Away."""
    endpoint = get_settings().ws_management_endpoint
    if not endpoint:
        return True
    try:
        _client(endpoint).get_connection(ConnectionId=connection_id)
    except ClientError as exc:
        if _gone(exc):
            return False
        logger.warning("could not check a connection", extra={"connectionId": connection_id, "error": str(exc)})
    except BotoCoreError as exc:
        logger.warning("could not check a connection", extra={"connectionId": connection_id, "error": str(exc)})
    return True


def close(connection_id: str) -> None:
    """Close the connection (DeleteConnection); a connection already gone is no error. API Gateway then
    runs $disconnect as for any other close."""
    client = _client(get_settings().require("ws_management_endpoint"))
    try:
        client.delete_connection(ConnectionId=connection_id)
    except ClientError as exc:
        if not _gone(exc):
            raise
