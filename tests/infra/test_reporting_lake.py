"""The lake's catalogue in the template: the Glue tables the report SQL reads (raw_events, queue_rules) with
the columns the exporter's DuckDB tables have, and one Athena named query per report that reads only them."""

from __future__ import annotations

import re

from agentdesk.reporting.domain.lake_schema import PARTITION, QUEUE_RULES, glue_columns
from agentdesk.reporting.domain.reports import REPORTS
from agentdesk.reporting.lake import QUEUE_RULES_PREFIX
from agentdesk.reporting.queries import cte_definitions, sql_text

from .synthesis import Synth


def _tables(synth: Synth) -> dict[str, dict[str, object]]:
    return {t["Properties"]["TableInput"]["Name"]: t["Properties"] for t in synth.of_type("AWS::Glue::Table").values()}


def test_the_glue_tables_are_the_ones_the_reports_read(synth: Synth) -> None:
    tables = _tables(synth)
    assert set(tables) == {"raw_events", "queue_rules"}
    raw = tables["raw_events"]["TableInput"]  # type: ignore[index]
    assert [(c["Name"], c["Type"]) for c in raw["StorageDescriptor"]["Columns"]] == glue_columns()
    assert raw["PartitionKeys"] == [{"Name": PARTITION[0], "Type": PARTITION[1]}]
    rules = tables["queue_rules"]["TableInput"]  # type: ignore[index]
    assert (
        [(c["Name"], c["Type"]) for c in rules["StorageDescriptor"]["Columns"]]
        == [
            ("queue_id", "string"),
            ("sla_target_seconds", "bigint"),
        ]
        == glue_columns(QUEUE_RULES)
    )
    assert rules["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    location = rules["StorageDescriptor"]["Location"]["Fn::Join"][1]
    assert location[-1] == f"/{QUEUE_RULES_PREFIX}"
    for table in tables.values():
        assert table["DatabaseName"] == "agentdesk_reports"


def test_each_report_has_a_named_query_over_the_catalogued_tables_only(synth: Synth) -> None:
    queries = {q["Properties"]["Name"]: q["Properties"] for q in synth.of_type("AWS::Athena::NamedQuery").values()}
    assert set(queries) == {r.name for r in REPORTS}
    catalogued = set(_tables(synth))
    for report in REPORTS:
        text = queries[report.name]["QueryString"]
        assert text == sql_text(report)
        defined = {name for name, _ in cte_definitions(text)}
        read = set(re.findall(r"(?:FROM|JOIN)\s+(\w+)", text))
        assert read - defined <= catalogued, (report.name, read - defined)
        if report.name.startswith("queue_service_level"):
            assert "queue_rules" in read
