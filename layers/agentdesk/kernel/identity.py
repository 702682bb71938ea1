"""Who is acting: staff roles come from Cognito groups (the highest group wins); the customer role comes
only from a customer token (kernel/customer_tokens.py), never from a group."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CUSTOMER = "customer"  # a person chatting in: acts on their own interaction only
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


GROUP_ROLES: dict[str, Role] = {"agents": Role.AGENT, "supervisors": Role.SUPERVISOR, "admins": Role.ADMIN}
_RANK = {Role.CUSTOMER: -1, Role.AGENT: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}


def role_from_groups(groups: Iterable[str]) -> Role | None:
    """The strongest role among the user's groups, or None when the user is in none of ours."""
    roles = [GROUP_ROLES[g] for g in groups if g in GROUP_ROLES]
    return max(roles, key=_RANK.__getitem__) if roles else None


def at_least(role: Role, minimum: Role) -> bool:
    return _RANK[role] >= _RANK[minimum]


@dataclass(frozen=True)
class Principal:
    """Who is behind a request: a signed-in user, or a customer (`user_id` their contact id) on the one
    interaction their token names."""

    user_id: str
    username: str
    name: str
    email: str
    role: Role
    interaction_id: str | None = None  # a customer's interaction; None for staff

    @property
    def is_customer(self) -> bool:
        return self.role is Role.CUSTOMER

    def to_dict(self) -> dict[str, str]:
        """As the $connect authorizer's context carries it: API Gateway takes strings, numbers and booleans
        only, so a missing interaction is left out rather than null."""
        data = {
            "userId": self.user_id,
            "username": self.username,
            "name": self.name,
            "email": self.email,
            "role": self.role.value,
        }
        if self.interaction_id is not None:
            data["interactionId"] = self.interaction_id
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Principal:
        role = Role(str(data["role"]))
        interaction_id = str(data.get("interactionId") or "") or None
        if role is Role.CUSTOMER and interaction_id is None:
            raise ValueError("a customer principal names its interaction")
        return cls(
            user_id=str(data["userId"]),
            username=str(data["username"]),
            name=str(data["name"]),
            email=str(data.get("email", "")),
            role=role,
            interaction_id=interaction_id,
        )


def principal_from_claims(claims: Mapping[str, Any]) -> Principal | None:
    """Build the principal from verified IdToken claims; None when the user has no Agent Desk role."""
    raw_groups = claims.get("cognito:groups") or []
    groups = raw_groups.split(",") if isinstance(raw_groups, str) else list(raw_groups)
    # API Gateway's JWT authorizer hands groups to HTTP handlers as "[a b]"
    groups = [g.strip("[] ") for part in groups for g in str(part).split(" ") if g.strip("[] ")]
    role = role_from_groups(groups)
    if role is None:
        return None
    username = str(claims.get("cognito:username") or claims.get("username") or claims["sub"])
    return Principal(
        user_id=str(claims["sub"]),
        username=username,
        name=str(claims.get("name") or username),
        email=str(claims.get("email") or ""),
        role=role,
    )
