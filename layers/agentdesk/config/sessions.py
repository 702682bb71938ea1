"""Access that follows the directory: every request acts as the user's profile says now (domain/access.py),
and a user who is deleted, disabled or given another role has their open sessions ended at once.

The config API writes the change with `endSessions` in its `config.changed` event (in the same
transaction); the end-sessions function reads the events stream and, for such a change, logs a deleted or
disabled agent off, tells each of the user's open tabs why (`session.ended`) and closes their connections.
Their tokens stop working at the same moment the change is written: every request checks the directory.
"""

from __future__ import annotations

from typing import Any

from agentdesk.agents import service as agent_state
from agentdesk.config import directory
from agentdesk.config import store as config_store
from agentdesk.config.contracts import UserUpdate
from agentdesk.config.domain.access import LOGS_OFF, SESSION_END_MESSAGES, SessionEnd
from agentdesk.config.domain.rules import Kind
from agentdesk.config.events import ConfigChanged
from agentdesk.events import Event
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import Actor
from agentdesk.kernel.identity import Principal
from agentdesk.kernel.observability import logger
from agentdesk.realtime import service as realtime
from agentdesk.realtime.pushes import SessionEnded


def caller(claimed: Principal) -> Principal:
    """The caller as the directory has them now (one read of the configuration version on a warm
    function); UNAUTHORIZED when the user was deleted or is disabled."""
    return directory.current().authorize(claimed)


def register(principal: Principal) -> bool:
    """Give an account that has no profile (made outside Agent Desk, like the first admin) its profile, so
    admins see and manage it like any other user. True when one was created now."""
    current = directory.current()
    if current.profile(principal.user_id) is not None or principal.user_id in current.deleted:
        return False
    try:
        profile = UserUpdate.model_validate(
            {"name": principal.name, "email": principal.email, "role": principal.role.value}
        )
    except ValueError:
        logger.warning("account without a usable name or email is not registered", extra={"userId": principal.user_id})
        return False
    document = profile.model_dump(mode="json") | {"username": principal.username}
    actor = Actor(userId=principal.user_id, role=principal.role.value)
    try:
        config_store.create(Kind.USER, principal.user_id, document, actor)
    except AgentDeskError as exc:
        if exc.code is ErrorCode.CONFLICT:
            return False  # registered by a concurrent request, or the username is taken by a profile
        raise
    logger.info("account registered", extra={"userId": principal.user_id, "role": principal.role.value})
    return True


def session_end_of(event: Event) -> SessionEnd | None:
    """The session end a `config.changed` event of a user asks for, if any."""
    if not isinstance(event, ConfigChanged) or event.data.kind is not Kind.USER:
        return None
    return event.data.endSessions


def end_sessions(event: Event) -> dict[str, Any] | None:
    """React to a user deleted, disabled or given another role: log off (deleted, disabled), tell every
    open tab, close every connection. Safe to repeat: a second run finds the agent Offline and no
    connections."""
    ending = session_end_of(event)
    if ending is None:
        return None
    assert isinstance(event, ConfigChanged)
    user_id = event.data.id
    if ending in LOGS_OFF:
        agent_state.end_access(user_id, event.actor)
    notice = SessionEnded(type="session.ended", reason=ending, message=SESSION_END_MESSAGES[ending])
    closed = realtime.close_all(user_id, notice.model_dump(mode="json"))
    return {"userId": user_id, "reason": ending.value, "connectionsClosed": closed}
