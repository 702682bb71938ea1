"""The midnight logoff schedules: one per site, at 00:00 in the site's time zone, plus one for agents
without a site (the settings' default time zone). They are kept, disabled, while the settings'
`autoLogoffAtMidnight` is off, so switching it on again needs nothing but their state."""

from __future__ import annotations

import re
from dataclasses import dataclass

MIDNIGHT = "cron(0 0 * * ? *)"
NO_SITE = "-"  # the key of agents without a site (see store/agents.py)
_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]")


@dataclass(frozen=True)
class LogoffSchedule:
    name: str
    expression: str
    time_zone: str
    site_id: str | None
    enabled: bool = True

    @property
    def payload(self) -> dict[str, str | None]:
        """The state machine's input."""
        return {"siteId": self.site_id}


def schedule_name(site_id: str | None) -> str:
    """A Scheduler-safe name (letters, digits, `-_.`, at most 64) for the site's schedule."""
    return ("logoff-" + _UNSAFE.sub("_", site_id or "no-site"))[:64]


def logoff_schedule(site_id: str | None, time_zone: str, *, enabled: bool = True) -> LogoffSchedule:
    return LogoffSchedule(schedule_name(site_id), MIDNIGHT, time_zone, site_id, enabled)


def affects_schedules(kind: str) -> bool:
    """Config kinds whose changes move a schedule: sites (their zone) and settings (the default zone, and
    `autoLogoffAtMidnight`, which enables or disables every schedule)."""
    return kind in ("site", "settings")
