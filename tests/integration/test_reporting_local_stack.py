"""The local stack's lake and reporting: every event on the stream lands in the lake bucket as the cloud's
delivery stream writes it (gzipped, one JSON event a line, under raw/events/dt=…/), the aggregator consumes
the stream, and the exporter's report SQL runs with DuckDB over the files the stack wrote."""

from __future__ import annotations

import gzip
import json
from typing import Any

import duckdb
import pytest

from agentdesk.events import parse_event
from agentdesk.kernel import clock
from agentdesk.kernel.identity import Principal, Role
from agentdesk.reporting.domain.days import local_date
from agentdesk.reporting.domain.reports import export_key
from tests.integration.local_stack import running_stack

pytestmark = pytest.mark.local_stack


def frame(principal: Principal, action: str, **fields: Any) -> dict[str, Any]:
    return {
        "body": json.dumps({"action": action, "requestId": "r1", **fields}),
        "isBase64Encoded": False,
        "requestContext": {
            "routeKey": action,
            "eventType": "MESSAGE",
            "connectionId": f"conn-{principal.username}",
            "requestId": f"req-{action}",
            "authorizer": {**principal.to_dict(), "principalId": principal.user_id},
        },
    }


def test_the_local_stack_writes_the_lake_and_the_reports_read_it(tmp_path: Any) -> None:
    with running_stack() as stack:
        agent = next(u for u in stack.users if u.role == "agent")
        principal = Principal(agent.user_id, agent.username, agent.name, agent.email, Role.AGENT)
        for action, fields in (("login", {}), ("setStatus", {"status": "Away", "reason": "break"}), ("logoff", {})):
            reply = json.loads(stack.runtime.invoke("ws-commands", frame(principal, action, **fields))["body"])
            assert reply["type"] == "ack", reply
        assert stack.pollers.wait_idle(timeout=30)
        assert stack.lake is not None and stack.lake.wait_idle(timeout=30)

        s3 = stack.client("s3")
        bucket = stack.provisioned.lake_bucket if stack.provisioned else ""
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="raw/events/dt=")["Contents"]]
        assert keys and all(k.endswith(".gz") for k in keys)
        lines = [
            line
            for key in keys
            for line in gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).splitlines()
        ]
        events = [parse_event(line) for line in lines]
        mine = [e for e in events if e.agentId == agent.user_id and e.type == "agent.state.changed"]
        assert len(mine) == 3
        assert stack.runtime.invocations["agentdesk-reporting-aggregator"] > 0

        site = mine[0].data.configuration.siteId if mine[0].data.configuration else None  # type: ignore[union-attr]
        zone = stack.client("dynamodb") and _zone(site)
        day = local_date(clock.now(), zone)
        result = stack.runtime.invoke("reporting-export", {"siteId": site, "date": day.isoformat()})
        (run,) = result["exported"]
        assert run["rows"]["time_attendance"] >= 1

        path = tmp_path / "pauses.parquet"
        s3.download_file(bucket, export_key("pause_summary", day, site or "", "parquet"), str(path))
        rows = (
            duckdb.connect()
            .execute(f"SELECT pause_code, pauses FROM read_parquet('{path}') WHERE agent_id = ?", [agent.user_id])  # noqa: S608
            .fetchall()
        )
        assert rows == [("break", 1)]


def _zone(site: str | None) -> str:
    from agentdesk.reporting.exports import zone_of

    return zone_of(site)
