"""Who am I: the signed-in user's identity, over the WebSocket and over HTTP."""

from __future__ import annotations

from typing import Any, Literal

from agentdesk.contracts.ws import ActionRequest
from agentdesk.domain.identity import Principal
from agentdesk.services.ws_dispatch import action


class WhoAmI(ActionRequest):
    action: Literal["whoami"]


def me(principal: Principal) -> dict[str, Any]:
    return {"user": principal.to_dict()}


@action("whoami", WhoAmI, summary="The signed-in user's id, name and role.")
def whoami(principal: Principal, _request: WhoAmI) -> dict[str, Any]:
    return me(principal)
