"""The report SQL as text: sql/common.sql (parameters, the site's deduplicated events), the report's other
shared heads (sql/interactions.sql, sql/queues.sql) + sql/<report>.sql.
The CDK app stores the whole text as Athena named queries. The exporter runs the same text with DuckDB, a head
at a time: each common table expression of the heads becomes a table of that name once per site and day
(`head_tables`), and each report then runs its own part over them (`report_text`), so the heads are computed
once, not once per report."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from agentdesk.reporting.domain.reports import Report

SQL_DIR = Path(__file__).resolve().parent / "sql"
PARAMS = "params"  # the CTE of the `?` parameters (sql/common.sql): kept in every statement


@cache
def part_text(part: str) -> str:
    return (SQL_DIR / f"{part}.sql").read_text(encoding="utf-8")


def sql_text(report: Report) -> str:
    return "".join(part_text(part) for part in (*report.head, report.name))


def _code(text: str) -> str:
    """The text with its comments blanked (same length), string literals kept."""
    out, index, quoted = list(text), 0, False
    while index < len(text):
        char = text[index]
        if quoted:
            quoted = char != "'"
        elif char == "'":
            quoted = True
        elif text.startswith("--", index):
            end = text.find("\n", index)
            end = len(text) if end < 0 else end
            out[index:end] = " " * (end - index)
            index = end
            continue
        index += 1
    return "".join(out)


def cte_definitions(text: str) -> list[tuple[str, str]]:
    """The common table expressions a head defines, in order: (name, body inside its parentheses)."""
    code = _code(text)
    found: list[tuple[str, str]] = []
    index = 0
    while True:
        opener = code.find(" AS (", index)
        if opener < 0:
            return found
        name = code[:opener].rstrip().replace(",", " ").split()[-1]
        depth, cursor, quoted = 0, opener + 4, False
        while True:
            char = code[cursor]
            if quoted:
                quoted = char != "'"
            elif char == "'":
                quoted = True
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    break
            cursor += 1
        found.append((name, text[opener + 5 : cursor]))
        index = cursor + 1


def params_cte() -> str:
    definitions = dict(cte_definitions(part_text("common")))
    return f"WITH {PARAMS} AS ({definitions[PARAMS]})"


def head_tables(part: str) -> list[tuple[str, str]]:
    """(table name, statement) for each CTE of a head but the parameters: `CREATE … AS` it over the tables of
    the CTEs before it."""
    return [
        (name, f"{params_cte()}\nSELECT * FROM ({body})")
        for name, body in cte_definitions(part_text(part))
        if name != PARAMS
    ]


def report_text(report: Report) -> str:
    """The report's own part, over the head tables (`head_tables`), with the parameters."""
    return f"{params_cte()}\n{part_text(report.name)}"
