"""Imports every module that registers WebSocket actions, so the dispatcher knows them all."""

from agentdesk.services import agent_state, identity  # noqa: F401
from agentdesk.services.ws_dispatch import ACTIONS

__all__ = ["ACTIONS"]
