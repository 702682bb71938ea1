"""Imports every module that registers WebSocket actions, so the dispatcher knows them all."""

from agentdesk.agents import service as agent_actions  # noqa: F401
from agentdesk.interactions import ws as interaction_actions  # noqa: F401
from agentdesk.realtime import identity as identity_actions  # noqa: F401
from agentdesk.realtime.dispatch import ACTIONS
from agentdesk.reporting import ws as reporting_actions  # noqa: F401

__all__ = ["ACTIONS"]
