"""Keeps the midnight logoff schedules in step with the sites: driven by `config.changed` events, so a
site created, moved to another time zone or deleted gets its schedule created, moved or removed."""

from __future__ import annotations

from typing import Any

from agentdesk.agents.domain.schedules import affects_schedules, logoff_schedule, schedule_name
from agentdesk.config import store as config_store
from agentdesk.kernel import schedules
from agentdesk.kernel.events import DomainEvent

STATE_MACHINE = "scheduled-logoff"


def sync_site(site_id: str) -> dict[str, Any]:
    site = config_store.site(site_id)
    if site is None:
        schedules.delete(schedule_name(site_id))
        return {"siteId": site_id, "schedule": None}
    spec = logoff_schedule(site_id, site.timeZone)
    schedules.upsert(spec.name, spec.expression, spec.time_zone, STATE_MACHINE, spec.payload)
    return {"siteId": site_id, "schedule": spec.name, "timeZone": spec.time_zone}


def sync_default() -> dict[str, Any]:
    """The schedule of agents without a site follows the settings' default time zone."""
    spec = logoff_schedule(None, config_store.workspace_settings().defaultTimeZone)
    schedules.upsert(spec.name, spec.expression, spec.time_zone, STATE_MACHINE, spec.payload)
    return {"siteId": None, "schedule": spec.name, "timeZone": spec.time_zone}


def on_event(event: DomainEvent) -> dict[str, Any] | None:
    if event.type != "config.changed" or not affects_schedules(str(event.data.get("kind"))):
        return None
    if event.data["kind"] == "site":
        return sync_site(str(event.data["id"]))
    return sync_default()
