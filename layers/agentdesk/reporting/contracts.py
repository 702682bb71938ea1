"""What the reporting functions accept and answer: the exporter's on-demand request and its run summary."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


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
