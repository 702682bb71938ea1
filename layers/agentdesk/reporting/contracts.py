"""What the reporting functions accept and answer: the exporter's on-demand request and its run summary."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agentdesk.realtime.envelope import ActionRequest


class ExportRequest(BaseModel):
    """Invoke reporting-export with this to export one site's day now (again, if it was exported before)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    siteId: str | None = Field(default=None, max_length=128, description="null: agents without a site")
    date: dt.date = Field(description="The site-local day")


class ExportRun(BaseModel):
    """The manifest of one site's exported day (exports/_runs/date=…/<site>.json), written last."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    siteId: str | None
    date: dt.date
    timeZone: str
    windowStart: str = Field(description="The local day's start, UTC ISO-8601")
    windowEnd: str
    lakeObjects: int = Field(description="Raw event objects read")
    rows: dict[str, int] = Field(description="Rows written per report")
    files: list[str]
    seconds: float
    exportedAt: str


# --- the reports API (GET /api/reports...) --------------------------------------------------------------


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportColumn(_Out):
    name: str = Field(description="Stable snake_case column name")
    type: str = Field(description="VARCHAR, DATE, DOUBLE, BIGINT or BOOLEAN (as in the Parquet file)")
    description: str


class ReportInfo(_Out):
    name: str = Field(description="The report's id: its folder under exports/ and its SQL file")
    title: str
    description: str
    perAgent: bool = Field(description="Rows about agents: supervisors see only their teams' rows (see /rows)")
    columns: list[ReportColumn]


class ReportCatalogue(_Out):
    """Every report the exporter writes."""

    items: list[ReportInfo]


class ReportFile(_Out):
    date: dt.date = Field(description="The local day of the file")
    siteId: str | None = Field(description="The site; null: agents without a site (and the queue reports)")
    format: str = Field(description="csv or parquet")
    key: str = Field(description="The object key in the lake bucket")
    sizeBytes: int
    url: str = Field(description="A presigned GET URL (expires after expiresInSeconds)")


class ReportFiles(_Out):
    """The exported files of a report for a range of days, with presigned download URLs."""

    report: str
    fromDate: dt.date = Field(alias="from")
    toDate: dt.date = Field(alias="to")
    expiresInSeconds: int
    files: list[ReportFile]

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class ReportRows(_Out):
    """A report's rows for one day (every site's file), as JSON; capped."""

    report: str
    date: dt.date
    columns: list[ReportColumn]
    rows: list[dict[str, str | int | float | bool | None]]
    truncated: bool = Field(description="More rows exist than `limit`; download the files for all of them")
    scopedToTeams: bool = Field(description="Only the rows of agents of the caller's teams (supervisors)")


# --- today's live metrics (WebSocket: the metrics.today push and getMetricsToday) ------------------------


class _Live(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PauseCodeTime(_Live):
    code: str
    label: str
    productive: bool
    seconds: float = Field(description="Closed pause intervals of this code today")
    count: int = Field(description="Pauses with this code begun today")


class Csat(_Live):
    average: float | None = Field(description="Mean rating (1-5); null without ratings")
    count: int


class OpenInterval(_Live):
    """The status the agent is in now: its time is not in the figures yet (they hold closed intervals only).
    A client adds (now - `since`) to loggedInSeconds, to secondsByStatus[status] and, when paused, to the pause
    code's seconds and to the productive or unproductive total, ticking each second."""

    status: Literal["Available", "Busy", "Away"]
    since: str = Field(description="UTC ISO-8601: when the status began, or today's start if it began earlier")
    pauseCode: str | None
    pauseLabel: str | None
    productive: bool | None = Field(description="Whether the pause code is productive; null when not paused")


class AgentToday(_Live):
    """One agent's figures for their site-local day, up to the last event the aggregator counted."""

    agentId: str
    name: str
    date: dt.date = Field(description="The agent's site-local day")
    timeZone: str
    loggedInSeconds: float
    secondsByStatus: dict[str, float] = Field(description="Available, Busy and Away")
    pausedProductiveSeconds: float
    pausedUnproductiveSeconds: float
    pauses: list[PauseCodeTime] = Field(description="Seconds per pause code")
    interactions: int = Field(description="Answered interactions that ended today")
    successful: int
    unsure: int
    failed: int
    handleSeconds: float
    avgHandleSeconds: float | None
    avgFirstResponseSeconds: float | None
    csat: Csat
    open: OpenInterval | None = Field(description="The status the agent is in now; null when offline")


class QueueToday(_Live):
    """One queue today (the default time zone's day): the day's counts and the queue now."""

    queueId: str
    name: str
    date: dt.date
    offered: int
    answered: int
    abandoned: int
    waiting: int = Field(description="Interactions waiting now (as of asOf)")
    longestWaitSeconds: int = Field(description="The oldest waiting one's wait as of asOf; it grows while waiting")
    serviceLevel: float | None = Field(description="% of answered ones answered within the queue's threshold")
    agentsRoutable: int


class MetricsToday(_Live):
    """Today's metrics: an agent hears their own figures; supervisors those of their teams' agents and every
    queue; admins every agent and queue. Sent after the aggregator counted a change, at most once every few
    seconds per agent or queue (the last change is always sent)."""

    type: Literal["metrics.today"]
    asOf: str = Field(description="UTC ISO-8601: when the figures were read")
    agents: list[AgentToday]
    queues: list[QueueToday]


class GetMetricsToday(ActionRequest):
    action: Literal["getMetricsToday"]


class MetricsTodayReply(_Live):
    asOf: str
    agents: list[AgentToday] = Field(description="An agent: their own; supervisors: their teams'; admins: all")
    queues: list[QueueToday] = Field(description="Supervisors and admins: every queue; agents: none")
