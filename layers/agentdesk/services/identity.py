"""Who am I: the signed-in user's identity, over the WebSocket and over HTTP."""

from __future__ import annotations

from typing import Any, Literal

from agentdesk.contracts.ws import ActionRequest
from agentdesk.domain.identity import Principal
from agentdesk.platform import clock
from agentdesk.services.ws_dispatch import action


class WhoAmI(ActionRequest):
    action: Literal["whoami"]


def me(principal: Principal) -> dict[str, Any]:
    return {"user": principal.to_dict()}


@action("whoami", WhoAmI, summary="The signed-in user's id, name and role.")
def whoami(principal: Principal, _request: WhoAmI) -> dict[str, Any]:
    return me(principal)


class Ping(ActionRequest):
    action: Literal["ping"]


@action("ping", Ping, summary="Keepalive: API Gateway closes a WebSocket idle for 10 minutes.")
def ping(_principal: Principal, _request: Ping) -> dict[str, Any]:
    return {"serverTime": clock.iso()}
