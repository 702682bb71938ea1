"""Builders of API Gateway-shaped events (WebSocket v2 and HTTP API v2 payloads), as the gateway hands
them to Lambda. Tests validate them against Powertools' parser models.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from infra.local.lambda_runtime import ACCOUNT_ID

WS_API_ID = "localws"
HTTP_API_ID = "localhttp"
STAGE = "prod"


def _now() -> tuple[str, int]:
    moment = datetime.now(UTC)
    return moment.strftime("%d/%b/%Y:%H:%M:%S +0000"), int(moment.timestamp() * 1000)


def _multi(values: Mapping[str, str]) -> dict[str, list[str]]:
    return {k: [v] for k, v in values.items()}


def websocket_context(
    *,
    route_key: str,
    event_type: str,
    connection_id: str,
    connected_at: int,
    domain: str,
    source_ip: str,
    user_agent: str,
    authorizer: Mapping[str, Any] | None = None,
    message_id: str | None = None,
) -> dict[str, Any]:
    request_time, epoch = _now()
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": uuid.uuid4().hex[:16],
        "requestTime": request_time,
        "messageDirection": "IN",
        "stage": STAGE,
        "connectedAt": connected_at,
        "requestTimeEpoch": epoch,
        "identity": {"sourceIp": source_ip, "userAgent": user_agent},
        "requestId": uuid.uuid4().hex[:16],
        "domainName": domain,
        "connectionId": connection_id,
        "apiId": WS_API_ID,
    }
    if message_id is not None:
        context["messageId"] = message_id
    if authorizer is not None:
        context["authorizer"] = dict(authorizer)
    return context


def ws_authorizer_event(
    *,
    connection_id: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    domain: str,
    source_ip: str,
    user_agent: str,
    region: str,
) -> dict[str, Any]:
    return {
        "type": "REQUEST",
        "methodArn": f"arn:aws:execute-api:{region}:{ACCOUNT_ID}:{WS_API_ID}/{STAGE}/$connect",
        "headers": dict(headers),
        "multiValueHeaders": _multi(headers),
        "queryStringParameters": dict(query),
        "multiValueQueryStringParameters": _multi(query),
        "stageVariables": {},
        "requestContext": websocket_context(
            route_key="$connect",
            event_type="CONNECT",
            connection_id=connection_id,
            connected_at=int(time.time() * 1000),
            domain=domain,
            source_ip=source_ip,
            user_agent=user_agent,
        ),
    }


def ws_connect_event(
    *, context: dict[str, Any], headers: Mapping[str, str], query: Mapping[str, str]
) -> dict[str, Any]:
    return {
        "headers": dict(headers),
        "multiValueHeaders": _multi(headers),
        "queryStringParameters": dict(query) or None,
        "multiValueQueryStringParameters": _multi(query) or None,
        "requestContext": context,
        "isBase64Encoded": False,
    }


def ws_message_event(*, context: dict[str, Any], body: str) -> dict[str, Any]:
    return {"requestContext": context, "body": body, "isBase64Encoded": False}


def ws_disconnect_event(*, context: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    return {
        "headers": dict(headers),
        "multiValueHeaders": _multi(headers),
        "requestContext": {**context, "disconnectStatusCode": 1000, "disconnectReason": ""},
        "isBase64Encoded": False,
    }


def http_event(
    *,
    method: str,
    path: str,
    route_key: str,
    raw_query: str,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    path_parameters: Mapping[str, str],
    body: bytes,
    domain: str,
    source_ip: str,
    claims: Mapping[str, Any] | None,
) -> dict[str, Any]:
    request_time, epoch = _now()
    text_body: str | None
    is_base64 = False
    if not body:
        text_body = None
    else:
        try:
            text_body = body.decode("utf-8")
        except UnicodeDecodeError:
            text_body, is_base64 = base64.b64encode(body).decode(), True
    cookies = [c.strip() for c in headers.get("cookie", "").split(";") if c.strip()]
    context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": HTTP_API_ID,
        "domainName": domain,
        "domainPrefix": domain.split(".")[0],
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": uuid.uuid4().hex[:16],
        "routeKey": route_key,
        "stage": "$default",
        "time": request_time,
        "timeEpoch": epoch,
    }
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": jwt_claims_as_strings(claims), "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": {k: v for k, v in headers.items() if k != "cookie"},
        "requestContext": context,
        "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = dict(query)
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if text_body is not None:
        event["body"] = text_body
    return event


def jwt_claims_as_strings(claims: Mapping[str, Any]) -> dict[str, str]:
    """API Gateway's JWT authorizer hands every claim over as a string; arrays become "[a b]"."""
    out = {}
    for key, value in claims.items():
        if isinstance(value, list):
            out[key] = "[" + " ".join(str(v) for v in value) + "]"
        elif isinstance(value, bool):
            out[key] = str(value).lower()
        else:
            out[key] = str(value)
    return out
