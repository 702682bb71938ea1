"""The AWS deployment of Agent Desk (CDK): AgentDeskStack and one construct per concern."""

from .stack import AgentDeskStack

__all__ = ["AgentDeskStack"]
