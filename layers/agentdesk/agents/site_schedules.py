"""Keeps the midnight logoff schedules in step with the sites: driven by `config.changed` events, so a
site created, moved to another time zone or deleted gets its schedule created, moved or removed; and
with the settings: their default time zone moves the schedule of agents without a site, and
`autoLogoffAtMidnight` enables or disables every schedule."""

from __future__ import annotations

from typing import Any

from agentdesk.agents.domain.schedules import LogoffSchedule, affects_schedules, logoff_schedule, schedule_name
from agentdesk.config import directory
from agentdesk.config.events import ConfigChanged
from agentdesk.events import Event
from agentdesk.kernel import schedules

STATE_MACHINE = "scheduled-logoff"


def _put(spec: LogoffSchedule) -> dict[str, Any]:
    schedules.upsert(spec.name, spec.expression, spec.time_zone, STATE_MACHINE, spec.payload, enabled=spec.enabled)
    return {"siteId": spec.site_id, "schedule": spec.name, "timeZone": spec.time_zone, "enabled": spec.enabled}


def sync_site(site_id: str) -> dict[str, Any]:
    time_zone = directory.site_time_zone(site_id)
    if time_zone is None:
        schedules.delete(schedule_name(site_id))
        return {"siteId": site_id, "schedule": None}
    return _put(logoff_schedule(site_id, time_zone, enabled=directory.auto_logoff_at_midnight()))


def sync_default() -> dict[str, Any]:
    """The schedule of agents without a site follows the settings' default time zone."""
    return _put(logoff_schedule(None, directory.default_time_zone(), enabled=directory.auto_logoff_at_midnight()))


def sync_settings() -> dict[str, Any]:
    """After a settings change: the siteless schedule, and every site's (`autoLogoffAtMidnight` is global)."""
    default = sync_default()
    for site_id, time_zone in directory.site_time_zones().items():
        _put(logoff_schedule(site_id, time_zone, enabled=default["enabled"]))
    return default


def on_event(event: Event) -> dict[str, Any] | None:
    if not isinstance(event, ConfigChanged) or not affects_schedules(event.data.kind.value):
        return None
    if event.data.kind.value == "site":
        return sync_site(event.data.id)
    return sync_settings()
