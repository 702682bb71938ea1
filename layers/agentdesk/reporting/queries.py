"""The report SQL as text: sql/common.sql (parameters, the site's deduplicated events) + sql/<report>.sql.
The exporter runs it with DuckDB; the CDK app stores the same text as Athena named queries."""

from __future__ import annotations

from pathlib import Path

from agentdesk.reporting.domain.reports import Report

SQL_DIR = Path(__file__).resolve().parent / "sql"


def sql_text(report: Report) -> str:
    return (SQL_DIR / "common.sql").read_text(encoding="utf-8") + (SQL_DIR / f"{report.name}.sql").read_text(
        encoding="utf-8"
    )
