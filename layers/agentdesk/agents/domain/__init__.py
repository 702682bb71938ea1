"""The agent-state domain: every rule about an agent's status, as pure functions over plain data
(docs/agent-state.md explains them). No clock reads, no I/O.

- `rules`: the transition table and the names it speaks in;
- `pause_codes`: pause codes and reasons;
- `state`: the agent's state and its invariants;
- `facts`: the event and the time & attendance records a transition makes;
- `transitions`: the commands (log in, set status, disconnect, the interaction lifecycle);
- `views`: what clients see (displayed status, can receive, the toolbar);
- `schedules`: the midnight logoff schedules;
- `moments`: times as the domain keeps them.
"""

from agentdesk.agents.domain.facts import (
    Fact,
    PauseClosed,
    PauseOpened,
    SessionClosed,
    SessionOpened,
    StateChanged,
    Transition,
    reason_dict,
)
from agentdesk.agents.domain.pause_codes import (
    DEFAULT_PAUSE_CODES,
    SYSTEM_PAUSE_CODES,
    PauseCode,
    Reason,
    pause_codes_markdown,
)
from agentdesk.agents.domain.rules import (
    AUTO_LOGOFF,
    DEFAULT_CAPACITY,
    DISCONNECTED,
    LOCKING_LOGOFFS,
    MAX_CAPACITY,
    MIN_CAPACITY,
    PAUSE_STATUSES,
    SET_COMMANDS,
    SYSTEM_ACTOR_ID,
    SYSTEM_REASONS,
    TRANSITIONS,
    WRAP_UP,
    Cause,
    Command,
    Effect,
    LogoffKind,
    ReasonRule,
    Rule,
    Status,
    check_rule,
    transition_table_markdown,
)
from agentdesk.agents.domain.state import AgentState, Interaction, PendingStatus, initial_state
from agentdesk.agents.domain.transitions import (
    auto_logoff,
    disconnect,
    disconnect_would_change,
    end_interaction,
    finish_wrap_up,
    force_logoff,
    force_status,
    login,
    logoff,
    set_status,
    start_interaction,
)
from agentdesk.agents.domain.views import (
    ToolbarView,
    can_receive,
    check_capacity,
    describe_pending,
    displayed_status,
    toolbar_view,
    why_not_receiving,
)

__all__ = [
    "AUTO_LOGOFF",
    "DEFAULT_CAPACITY",
    "DEFAULT_PAUSE_CODES",
    "DISCONNECTED",
    "LOCKING_LOGOFFS",
    "MAX_CAPACITY",
    "MIN_CAPACITY",
    "PAUSE_STATUSES",
    "SET_COMMANDS",
    "SYSTEM_ACTOR_ID",
    "SYSTEM_PAUSE_CODES",
    "SYSTEM_REASONS",
    "TRANSITIONS",
    "WRAP_UP",
    "AgentState",
    "Cause",
    "Command",
    "Effect",
    "Fact",
    "Interaction",
    "LogoffKind",
    "PauseClosed",
    "PauseCode",
    "PauseOpened",
    "PendingStatus",
    "Reason",
    "ReasonRule",
    "Rule",
    "SessionClosed",
    "SessionOpened",
    "StateChanged",
    "Status",
    "ToolbarView",
    "Transition",
    "auto_logoff",
    "can_receive",
    "check_capacity",
    "check_rule",
    "describe_pending",
    "disconnect",
    "disconnect_would_change",
    "displayed_status",
    "end_interaction",
    "finish_wrap_up",
    "force_logoff",
    "force_status",
    "initial_state",
    "login",
    "logoff",
    "pause_codes_markdown",
    "reason_dict",
    "set_status",
    "start_interaction",
    "toolbar_view",
    "transition_table_markdown",
    "why_not_receiving",
]
