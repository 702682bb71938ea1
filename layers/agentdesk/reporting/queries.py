"""The report SQL as text: sql/common.sql (parameters, the site's deduplicated events), the report's other
shared heads (sql/interactions.sql) + sql/<report>.sql.
The exporter runs it with DuckDB; the CDK app stores the same text as Athena named queries."""

from __future__ import annotations

from pathlib import Path

from agentdesk.reporting.domain.reports import Report

SQL_DIR = Path(__file__).resolve().parent / "sql"


def sql_text(report: Report) -> str:
    return "".join((SQL_DIR / f"{part}.sql").read_text(encoding="utf-8") for part in (*report.head, report.name))
