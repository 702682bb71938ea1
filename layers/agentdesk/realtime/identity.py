"""Who am I: the signed-in user's identity, over the WebSocket and over HTTP."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from agentdesk.kernel import clock
from agentdesk.kernel.identity import Principal
from agentdesk.realtime.dispatch import action
from agentdesk.realtime.envelope import ActionRequest


class UserView(BaseModel):
    userId: str
    username: str
    name: str
    email: str
    role: Literal["agent", "supervisor", "admin"]


class WhoAmIReply(BaseModel):
    user: UserView


class PingReply(BaseModel):
    serverTime: str


class WhoAmI(ActionRequest):
    action: Literal["whoami"]


def me(principal: Principal) -> dict[str, Any]:
    return {"user": principal.to_dict()}


@action("whoami", WhoAmI, summary="The signed-in user's id, name and role.", reply=WhoAmIReply)
def whoami(principal: Principal, _request: WhoAmI) -> dict[str, Any]:
    return me(principal)


class Ping(ActionRequest):
    action: Literal["ping"]


@action(
    "ping",
    Ping,
    summary="Keepalive: API Gateway closes a WebSocket idle for 10 minutes (customers too, in a quiet chat).",
    reply=PingReply,
    customer=True,
)
def ping(_principal: Principal, _request: Ping) -> dict[str, Any]:
    return {"serverTime": clock.iso()}
