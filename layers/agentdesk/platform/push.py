"""Push to WebSocket connections through the API Gateway management API.

A connection that is gone (410) is reported back so the caller deletes it.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from agentdesk.platform import aws
from agentdesk.platform.settings import get_settings


def _client(endpoint: str) -> Any:
    return aws.client("apigatewaymanagementapi", endpoint_url=endpoint)


def send(connection_id: str, message: dict[str, Any]) -> bool:
    """Send one message; False when the connection no longer exists."""
    client = _client(get_settings().ws_management_endpoint)
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=json.dumps(message, separators=(",", ":")).encode())
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("GoneException", "410"):
            return False
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 410:
            return False
        raise
    return True
