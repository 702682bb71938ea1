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
