"""The reports API (HTTP, served by the reports-api function, lake bucket read-only): the catalogue, each
report's exported files with presigned URLs, and a day's rows as JSON for the web app's table view.

Supervisors and admins only (agents: FORBIDDEN). Team scope for supervisors:
- `/rows` of a per-agent report (one with an `agent_id` column) keeps only the rows of agents of the teams the
  supervisor leads, filtered here on the server;
- `/files` of a per-agent report is refused to supervisors (FORBIDDEN): the exported files hold a whole site's
  agents, so a supervisor downloads their teams' rows from the table view (the web app builds that CSV from
  `/rows`). Queue reports (no agent rows) are open to supervisors in both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from agentdesk.config import directory
from agentdesk.config.api import documented_responses
from agentdesk.config.contracts import ROLE_EXTENSION
from agentdesk.kernel import aws
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.identity import Principal, Role
from agentdesk.kernel.observability import logger
from agentdesk.kernel.settings import get_settings
from agentdesk.reporting.contracts import (
    ReportCatalogue,
    ReportColumn,
    ReportFile,
    ReportFiles,
    ReportInfo,
    ReportRows,
)
from agentdesk.reporting.domain.reports import BIGINT, BOOLEAN, DOUBLE, NO_SITE_FILE, REPORTS, Report
from agentdesk.reporting.domain.reports import report as find_report
from agentdesk.reporting.lake import EXPORTS_PREFIX

router = Router()

READER = Role.SUPERVISOR
MAX_DAYS = 31  # a files request covers at most this many days
MAX_ROWS = 2000  # a rows answer holds at most this many rows
URL_SECONDS = 900  # presigned URLs last 15 minutes
FORMATS = ("csv", "parquet")

ReportName = Annotated[str, Path(min_length=1, max_length=64, description="The report's name (see GET /api/reports)")]
FromDate = Annotated[dt.date, Query(alias="from", description="The first local day, YYYY-MM-DD")]
ToDate = Annotated[dt.date, Query(alias="to", description="The last local day (at most 31 days after from)")]
Day = Annotated[dt.date, Query(description="The local day, YYYY-MM-DD")]
RowLimit = Annotated[int, Query(ge=1, le=MAX_ROWS, description="At most this many rows")]


def _principal() -> Principal:
    principal = router.context.get("principal")
    if not isinstance(principal, Principal):
        raise AgentDeskError(ErrorCode.UNAUTHORIZED, "The request carries no verified identity.")
    return principal


def _report(name: str) -> Report:
    try:
        return find_report(name)
    except KeyError:
        raise AgentDeskError(ErrorCode.NOT_FOUND, f"There is no report {name!r}.", "report") from None


def _columns(item: Report) -> list[ReportColumn]:
    return [ReportColumn(name=c.name, type=c.type, description=c.description) for c in item.columns]


def _bucket() -> str | None:
    bucket = get_settings().lake_bucket
    if not bucket:
        logger.warning("LAKE_BUCKET is not set: no report files to list")
    return bucket


def _objects(bucket: str, item: Report, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The export objects of the report for the days first..last (keys sort by date)."""
    prefix = f"{EXPORTS_PREFIX}{item.name}/date="
    found: list[dict[str, Any]] = []
    paginator = aws.client("s3").get_paginator("list_objects_v2")
    start_after = f"{prefix}{(first - dt.timedelta(days=1)).isoformat()}/~"
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix, StartAfter=start_after):
        for entry in page.get("Contents", []):
            day = dt.date.fromisoformat(entry["Key"].removeprefix(prefix)[:10])
            if day > last:
                return found
            if day >= first:
                found.append(entry)
    return found


def _site_of(key: str) -> str | None:
    site = key.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return None if site == NO_SITE_FILE else site


@router.get(
    "/api/reports",
    summary="The report catalogue",
    operation_id="listReports",
    tags=["Reports"],
    responses=documented_responses({200: {"description": "Every report with its columns."}}),
    openapi_extensions={ROLE_EXTENSION: READER.value},
)
def list_reports() -> ReportCatalogue:
    """The reports the exporter writes every day (docs/reports.md), with their columns."""
    return ReportCatalogue(
        items=[
            ReportInfo(name=r.name, title=r.title, description=r.description, perAgent=r.per_agent, columns=_columns(r))
            for r in REPORTS
        ]
    )


@router.get(
    "/api/reports/<report>/files",
    summary="A report's files for a range of days",
    description="Presigned URLs (15 minutes) of the CSV and Parquet files of each site and day. A per-agent "
    "report's files hold a whole site's agents: FORBIDDEN to supervisors (use /rows, scoped to their teams).",
    operation_id="listReportFiles",
    tags=["Reports"],
    responses=documented_responses({200: {"description": "The files, by day and site."}}, 400, 404),
    openapi_extensions={ROLE_EXTENSION: READER.value},
)
def list_report_files(report: ReportName, from_date: FromDate, to_date: ToDate) -> ReportFiles:
    item = _report(report)
    if to_date < from_date:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, "to is before from.", "to")
    if (to_date - from_date).days >= MAX_DAYS:
        raise AgentDeskError(ErrorCode.BAD_REQUEST, f"Ask for at most {MAX_DAYS} days at a time.", "to")
    principal = _principal()
    if item.per_agent and principal.role is not Role.ADMIN:
        raise AgentDeskError(
            ErrorCode.FORBIDDEN,
            f"The {item.name} files hold every agent of a site; supervisors see their teams' rows "
            f"(GET /api/reports/{item.name}/rows) instead.",
        )
    files: list[ReportFile] = []
    bucket = _bucket()
    if bucket:
        s3 = aws.client("s3")
        for entry in _objects(bucket, item, from_date, to_date):
            key: str = entry["Key"]
            extension = key.rsplit(".", 1)[-1]
            if extension not in FORMATS:
                continue
            url = s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": bucket,
                    "Key": key,
                    "ResponseContentDisposition": f'attachment; filename="{item.name}-'
                    f'{key.split("date=")[1][:10]}-{key.rsplit("/", 1)[-1]}"',
                },
                ExpiresIn=URL_SECONDS,
            )
            files.append(
                ReportFile(
                    date=dt.date.fromisoformat(key.split("date=")[1][:10]),
                    siteId=_site_of(key),
                    format=extension,
                    key=key,
                    sizeBytes=int(entry.get("Size", 0)),
                    url=url,
                )
            )
    return ReportFiles.model_validate(
        {"report": item.name, "from": from_date, "to": to_date, "expiresInSeconds": URL_SECONDS, "files": files}
    )


def typed(value: str, kind: str) -> str | int | float | bool | None:
    """A CSV cell as its column's type; a text cell's formula guard (a leading ') taken off."""
    if value == "":
        return None
    if kind == BIGINT:
        return int(value)
    if kind == DOUBLE:
        return float(value)
    if kind == BOOLEAN:
        return value.lower() == "true"
    if value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return value[1:]
    return value


def parse_csv(text: str, item: Report) -> list[dict[str, str | int | float | bool | None]]:
    kinds = {c.name: c.type for c in item.columns}
    return [
        {name: typed(cell, kinds.get(name, "VARCHAR")) for name, cell in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def visible(principal: Principal, item: Report, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The rows the principal may see, and whether they were scoped to the principal's teams."""
    if principal.role is Role.ADMIN or not item.per_agent:
        return rows, False
    mine = directory.current().supervised.get(principal.user_id, frozenset())
    return [r for r in rows if r.get("agent_id") in mine], True


@router.get(
    "/api/reports/<report>/rows",
    summary="A report's rows for one day",
    description="Every site's rows of the day as JSON (at most `limit`). Supervisors get the rows of their "
    "teams' agents only (per-agent reports).",
    operation_id="getReportRows",
    tags=["Reports"],
    responses=documented_responses({200: {"description": "The rows."}}, 400, 404),
    openapi_extensions={ROLE_EXTENSION: READER.value},
)
def get_report_rows(report: ReportName, date: Day, limit: RowLimit = 500) -> ReportRows:
    item = _report(report)
    principal = _principal()
    rows: list[dict[str, Any]] = []
    bucket = _bucket()
    if bucket:
        s3 = aws.client("s3")
        for entry in _objects(bucket, item, date, date):
            if entry["Key"].endswith(".csv"):
                body = s3.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read().decode("utf-8")
                rows += parse_csv(body, item)
    shown, scoped = visible(principal, item, rows)
    return ReportRows(
        report=item.name,
        date=date,
        columns=_columns(item),
        rows=shown[:limit],
        truncated=len(shown) > limit,
        scopedToTeams=scoped,
    )
