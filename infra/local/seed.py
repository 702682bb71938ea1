"""Demo data for the local stack: users in every role (all with the same demo password) and, around
them, a demo contact centre (sites, teams, skills, queues, pause codes, dispositions, canned messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentdesk.config import defaults as config_defaults
from agentdesk.kernel.identity import Role

# A local-only demo password, printed at start and listed in the README; never used in a deployment.
DEMO_PASSWORD = "AgentDesk-demo-2026!"  # noqa: S105 - documented demo credential


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str  # agent | supervisor | admin
    user_id: str = ""

    @property
    def email(self) -> str:
        return f"{self.username}@demo.agentdesk.example"


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("ada", "Ada Admin", "admin"),
    DemoUser("sam", "Sam Supervisor", "supervisor"),
    DemoUser("sue", "Sue Supervisor", "supervisor"),
    DemoUser("alice", "Alice Agent", "agent"),
    DemoUser("bob", "Bob Agent", "agent"),
    DemoUser("carol", "Carol Agent", "agent"),
    DemoUser("dave", "Dave Agent", "agent"),
    DemoUser("erin", "Erin Agent", "agent"),
)


def create_user(cognito: Any, pool_id: str, user: DemoUser, password: str) -> DemoUser:
    """Create a confirmed Cognito user in the role's group; returns it with its user id (sub)."""
    created = cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=user.username,
        UserAttributes=[
            {"Name": "email", "Value": user.email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": user.name},
        ],
        MessageAction="SUPPRESS",
    )["User"]
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user.username, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=user.username, GroupName=f"{user.role}s")
    sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    return DemoUser(user.username, user.name, user.role, sub)


def seed_users(cognito: Any, pool_id: str) -> list[DemoUser]:
    return [create_user(cognito, pool_id, user, DEMO_PASSWORD) for user in DEMO_USERS]


def seed_configuration(users: list[DemoUser]) -> config_defaults.DemoSetup:
    """Profiles for the demo users and the demo contact centre, through the config store."""
    return config_defaults.seed_demo(
        [config_defaults.DemoUser(u.user_id, u.username, u.name, u.email, Role(u.role)) for u in users]
    )
