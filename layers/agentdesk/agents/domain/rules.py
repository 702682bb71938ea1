"""The transition table: for each (current status, command) the rule that decides the outcome, and
the names every rule speaks in (statuses, commands, causes, logoff kinds, system reasons). docs/agent-state.md
shows the same table (a test compares)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from agentdesk.config.domain.rules import DISCONNECTED_PAUSE_CODE_ID, WRAP_UP_PAUSE_CODE_ID
from agentdesk.kernel.errors import AgentDeskError, ErrorCode

if TYPE_CHECKING:
    from agentdesk.agents.domain.state import AgentState


class Status(StrEnum):
    OFFLINE = "Offline"
    AVAILABLE = "Available"
    BUSY = "Busy"
    AWAY = "Away"


class Command(StrEnum):
    """What can happen to an agent's state; `setStatus` is split by target because each target has a rule."""

    LOGIN = "login"
    SET_AVAILABLE = "setStatus:Available"
    SET_AWAY = "setStatus:Away"
    SET_BUSY = "setStatus:Busy"
    SET_OFFLINE = "setStatus:Offline"
    LOGOFF = "logoff"
    DISCONNECT = "disconnect"
    START_INTERACTION = "startInteraction"
    END_INTERACTION = "endInteraction"
    FINISH_WRAP_UP = "finishWrapUp"


class Cause(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


class LogoffKind(StrEnum):
    MANUAL = "manual"
    FORCED = "forced"
    AUTO = "auto"


class Effect(StrEnum):
    REFUSE = "refuse"
    CHANGE = "change"
    INTERACTION = "interaction"


class ReasonRule(StrEnum):
    """Which pause code a change takes."""

    NONE = "none"
    AGENT_CODE = "agent code"  # required: enabled, not a system reason, mapping to the target status
    OPTIONAL_AGENT_CODE = "optional agent code"  # login: none means Available, a code means its status
    SYSTEM = "system"  # the rule's `system_reason`, never chosen by a person


# System reasons: set only by the system, refused when an agent or a supervisor picks them.
# The system pause codes' ids are the configuration's, so a stored reason names a code the API lists.
WRAP_UP = WRAP_UP_PAUSE_CODE_ID
DISCONNECTED = DISCONNECTED_PAUSE_CODE_ID
AUTO_LOGOFF = "AUTO"
SYSTEM_REASONS = frozenset({WRAP_UP, DISCONNECTED, AUTO_LOGOFF})
SYSTEM_ACTOR_ID = "system"

PAUSE_STATUSES = frozenset({Status.AWAY, Status.BUSY})

DEFAULT_CAPACITY = 5
MIN_CAPACITY = 1
MAX_CAPACITY = 20


@dataclass(frozen=True)
class Rule:
    effect: Effect
    target: Status | None = None
    reason: ReasonRule = ReasonRule.NONE
    system_reason: str | None = None
    error: ErrorCode | None = None
    # While the agent is on an interaction or in wrap-up the change is stored as `pending` instead.
    deferred: bool = False
    # Disconnect only matters to an agent who is (or would next be) Available: others get nothing routed.
    only_if_available: bool = False
    message: str = ""  # for refusals: what the person reads
    note: str = ""  # for the docs table


_NOT_LOGGED_IN = Rule(Effect.REFUSE, error=ErrorCode.NOT_LOGGED_IN, message="The agent is Offline; log in first.")
_ALREADY_LOGGED_IN = Rule(
    Effect.REFUSE,
    error=ErrorCode.INVALID_TRANSITION,
    message="The agent is already logged in ({status}); log off first.",
)
_LOGIN = Rule(
    Effect.CHANGE,
    Status.AVAILABLE,
    ReasonRule.OPTIONAL_AGENT_CODE,
    note="opens a session; with a pause code: that code's status",
)
_SET_AVAILABLE = Rule(Effect.CHANGE, Status.AVAILABLE, deferred=True)
_SET_AWAY = Rule(Effect.CHANGE, Status.AWAY, ReasonRule.AGENT_CODE, deferred=True)
_SET_BUSY = Rule(Effect.CHANGE, Status.BUSY, ReasonRule.AGENT_CODE, deferred=True)
# Offline is no status to ask for, whatever the agent's: the same answer the wire's request model gives
# (it only accepts Available, Away and Busy), so the docs and the wire agree.
_SET_OFFLINE = Rule(
    Effect.REFUSE,
    error=ErrorCode.BAD_REQUEST,
    message="setStatus cannot make the agent Offline; log off instead.",
)
_LOGOFF = Rule(Effect.CHANGE, Status.OFFLINE, deferred=True, note="closes the session")
_DISCONNECT = Rule(
    Effect.CHANGE,
    Status.AWAY,
    ReasonRule.SYSTEM,
    system_reason=DISCONNECTED,
    deferred=True,
    only_if_available=True,
)
_START_INTERACTION = Rule(Effect.INTERACTION, note="if the agent can receive (`can_receive`)")
_CANNOT_RECEIVE = Rule(
    Effect.REFUSE,
    error=ErrorCode.INVALID_TRANSITION,
    message="The agent is {status}{reason} and cannot take interactions.",
)
_END_INTERACTION = Rule(Effect.INTERACTION, note="; with wrap-up → Busy with system code Wrap-up")
_FINISH_WRAP_UP = Rule(Effect.INTERACTION, note="; the last wrap-up → the pending status, else Available")

_COLUMNS = (Status.OFFLINE, Status.AVAILABLE, Status.BUSY, Status.AWAY)
_ROWS: dict[Command, tuple[Rule, Rule, Rule, Rule]] = {
    #                          Offline          Available           Busy                Away
    Command.LOGIN: (_LOGIN, _ALREADY_LOGGED_IN, _ALREADY_LOGGED_IN, _ALREADY_LOGGED_IN),
    Command.SET_AVAILABLE: (_NOT_LOGGED_IN, _SET_AVAILABLE, _SET_AVAILABLE, _SET_AVAILABLE),
    Command.SET_AWAY: (_NOT_LOGGED_IN, _SET_AWAY, _SET_AWAY, _SET_AWAY),
    Command.SET_BUSY: (_NOT_LOGGED_IN, _SET_BUSY, _SET_BUSY, _SET_BUSY),
    Command.SET_OFFLINE: (_SET_OFFLINE, _SET_OFFLINE, _SET_OFFLINE, _SET_OFFLINE),
    Command.LOGOFF: (_NOT_LOGGED_IN, _LOGOFF, _LOGOFF, _LOGOFF),
    Command.DISCONNECT: (_NOT_LOGGED_IN, _DISCONNECT, _DISCONNECT, _DISCONNECT),
    Command.START_INTERACTION: (_NOT_LOGGED_IN, _START_INTERACTION, _CANNOT_RECEIVE, _CANNOT_RECEIVE),
    Command.END_INTERACTION: (_NOT_LOGGED_IN, _END_INTERACTION, _END_INTERACTION, _END_INTERACTION),
    Command.FINISH_WRAP_UP: (_NOT_LOGGED_IN, _FINISH_WRAP_UP, _FINISH_WRAP_UP, _FINISH_WRAP_UP),
}

TRANSITIONS: Mapping[tuple[Status, Command], Rule] = MappingProxyType(
    {(status, command): rules[i] for command, rules in _ROWS.items() for i, status in enumerate(_COLUMNS)}
)
"""(current status, command) → the rule deciding the outcome. Every pair has exactly one rule."""


def transition_table_markdown() -> str:
    """The transition table as the Markdown table docs/agent-state.md shows."""
    lines = [
        "| Command | " + " | ".join(s.value for s in _COLUMNS) + " |",
        "|---|" + "---|" * len(_COLUMNS),
    ]
    for command in _ROWS:
        cells = [_describe(TRANSITIONS[(status, command)]) for status in _COLUMNS]
        lines.append(f"| `{command.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _describe(rule: Rule) -> str:
    if rule.effect is Effect.REFUSE:
        return f"refused: `{rule.error}`"
    if rule.effect is Effect.INTERACTION:
        return f"recorded{'' if rule.note.startswith(';') else ' '}{rule.note}"
    parts = [f"→ {rule.target}"]
    if rule.reason is ReasonRule.AGENT_CODE:
        parts.append(f"with an agent {rule.target} code")
    elif rule.reason is ReasonRule.SYSTEM:
        parts.append(f"with system code {rule.system_reason}")
    if rule.only_if_available:
        parts.append("if (next) Available, else no change")
    if rule.note:
        parts.append(f"({rule.note})")
    if rule.deferred:
        parts.append("⏸")
    return " ".join(parts)


# A pending logoff the agent did not ask for is not overridden by a status request.
LOCKING_LOGOFFS = {LogoffKind.FORCED: "A logoff forced by a supervisor", LogoffKind.AUTO: "The automatic logoff"}

SET_COMMANDS = {
    Status.AVAILABLE: Command.SET_AVAILABLE,
    Status.AWAY: Command.SET_AWAY,
    Status.BUSY: Command.SET_BUSY,
    Status.OFFLINE: Command.SET_OFFLINE,
}


def check_rule(state: AgentState, command: Command) -> Rule:
    """The table's rule for this command now; raises the rule's refusal."""
    rule = TRANSITIONS[(state.status, command)]
    if rule.effect is Effect.REFUSE:
        assert rule.error is not None
        reason = f" ({state.reason.label})" if state.reason else ""
        raise AgentDeskError(rule.error, rule.message.format(status=state.status.value, reason=reason))
    return rule
