"""Who may act: the directory decides, not the token.

A Cognito IdToken proves who signed in and carries the groups they had *then*. What they may do *now*
follows their profile in the directory: its role, and whether it is enabled. A deleted user (the profile
archived) or a disabled one is refused at once, even with a token that has not expired; a user given
another role acts with the new role from their next request.

An account that has no profile and never had one (made outside Agent Desk, like the first admin created
with the AWS CLI) acts with the role of its Cognito group until it is registered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.identity import Principal, Role


class SessionEnd(StrEnum):
    """Why a user's open sessions end (their tabs are told, then their connections closed)."""

    DELETED = "deleted"  # the user was deleted: logged off, cannot sign in again
    DISABLED = "disabled"  # the user was disabled: logged off, cannot sign in until enabled
    ROLE_CHANGED = "roleChanged"  # the user has another role: the workspace signs in again with it


# Sessions that end with a logoff (the user may no longer work); a role change keeps the agent's state.
LOGS_OFF = frozenset({SessionEnd.DELETED, SessionEnd.DISABLED})

SESSION_END_MESSAGES: dict[SessionEnd, str] = {
    SessionEnd.DELETED: "Your account was removed.",
    SessionEnd.DISABLED: "Your account was disabled.",
    SessionEnd.ROLE_CHANGED: "Your role changed; signing in again.",
}


@dataclass(frozen=True)
class Standing:
    """What the directory says of a user: their role and whether they may sign in."""

    role: Role
    name: str
    enabled: bool = True


def authorize(claimed: Principal, standing: Standing | None, *, deleted: bool) -> Principal:
    """The principal as the directory has them now, or UNAUTHORIZED when they may no longer act.

    `claimed` comes from a verified token; `standing` is the user's profile (None when there is none);
    `deleted` says the profile was archived (the user was deleted). A customer is never in the directory
    and never passes through it (their token alone opens the customer actions).
    """
    if claimed.role is Role.CUSTOMER:
        raise AgentDeskError(ErrorCode.FORBIDDEN, "Customers act on their own chat only.")
    if standing is None:
        if deleted:
            raise AgentDeskError(ErrorCode.UNAUTHORIZED, "This account was removed from Agent Desk.")
        return claimed  # never had a profile: its Cognito group decides (the first admin)
    if not standing.enabled:
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "This account is disabled; ask an admin.")
    if (standing.role, standing.name) == (claimed.role, claimed.name):
        return claimed
    return replace(claimed, role=standing.role, name=standing.name)


def session_end(before: Mapping[str, Any], after: Mapping[str, Any] | None) -> SessionEnd | None:
    """Whether a change to a user's profile ends their open sessions (`after` None: deleted)."""
    if after is None:
        return SessionEnd.DELETED
    if before.get("enabled", True) and not after.get("enabled", True):
        return SessionEnd.DISABLED
    if before.get("role") != after.get("role"):
        return SessionEnd.ROLE_CHANGED
    return None
