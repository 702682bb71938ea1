"""The reporting context's WebSocket action: today's live metrics for a page that opens (the performance
toolbar, the wallboard), so it does not wait for the next `metrics.today` push."""

from __future__ import annotations

from typing import Any

from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.identity import Principal, Role
from agentdesk.realtime.dispatch import action
from agentdesk.reporting import live
from agentdesk.reporting.contracts import GetMetricsToday, MetricsTodayReply


@action(
    "getMetricsToday",
    GetMetricsToday,
    summary="Today's metrics as metrics.today carries them: an agent's own; a supervisor's teams' agents and "
    "every queue; an admin's every agent and queue.",
    reply=MetricsTodayReply,
)
def get_metrics_today(principal: Principal, _request: GetMetricsToday) -> dict[str, Any]:
    config = directory.current()
    now = clock.now()
    zones = live.Zones()
    if principal.role is Role.AGENT:
        agent_ids = [principal.user_id]
        queue_ids: list[str] = []
    else:
        agent_ids = [profile.agent_id for profile in config.agents_visible_to(principal)]
        queue_ids = sorted(config.queues, key=lambda q: (config.queues[q].name.casefold(), q))
    reply = MetricsTodayReply(
        asOf=clock.iso(now),
        agents=live.agent_figures(config, agent_ids, now, zones),
        queues=live.queue_figures(config, queue_ids, now, zones),
    )
    return reply.model_dump(mode="json")
