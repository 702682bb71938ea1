"""The reports API through the real HTTP handler: the catalogue, files with presigned URLs, a day's rows; agents
refused; supervisors scoped to their teams (rows filtered, a per-agent report's site-wide files refused)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import boto3
import pytest

from agentdesk.config import directory
from agentdesk.kernel.settings import reset_settings
from agentdesk.reporting.domain.reports import REPORTS
from tests.integration.centre import Centre, demo_centre
from tests.integration.conftest import REGION, AwsStack, HttpResult, build_http_event, call_http

BUCKET = "test-lake-reports"
GROUPS = {"ada": "admins", "sam": "supervisors", "sue": "supervisors", "ana": "agents", "ben": "agents"}


@pytest.fixture(name="centre")
def centre_fixture(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Centre]:
    centre = demo_centre(aws, monkeypatch)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("LAKE_BUCKET", BUCKET)
    reset_settings()
    directory.forget()
    header = "local_date,site_id,agent_id,agent_name,pause_code,pause_label,productive,pauses,pause_seconds\n"
    ana, ben = centre.ids["ana"], centre.ids["ben"]
    for day in ("2025-03-11", "2025-03-12", "2025-03-14"):
        body = (
            header + f"{day},site-london,{ana},Ana,break,Break,false,2,600.5\n"
            f"{day},site-london,{ben},'=Ben,lunch,Lunch,false,1,1800.0\n"
            f"{day},site-london,{ben},Ben,wrap-up,Wrap-up,true,3,\n"
        )
        for extension, content in (("csv", body.encode()), ("parquet", b"PAR1")):
            key = f"exports/pause_summary/date={day}/site-london.{extension}"
            s3.put_object(Bucket=BUCKET, Key=key, Body=content)
    queue = "local_date,queue_id,queue_name,sla_target_seconds,offered,answered\n2025-03-12,q1,General,20,5,4\n"
    s3.put_object(Bucket=BUCKET, Key="exports/queue_service_level/date=2025-03-12/no-site.csv", Body=queue.encode())
    s3.put_object(Bucket=BUCKET, Key="exports/queue_service_level/date=2025-03-12/no-site.parquet", Body=b"PAR1")
    yield centre


def get(centre: Centre, who: str, path: str, **query: str) -> HttpResult:
    claims = centre.aws.claims(centre.ids[who], GROUPS[who], username=who)
    return call_http(build_http_event("GET", path, claims, query=query or None))


def test_the_catalogue_is_for_supervisors_and_admins(centre: Centre) -> None:
    assert get(centre, "ana", "/api/reports").error_code == "FORBIDDEN"
    result = get(centre, "sam", "/api/reports")
    assert result.status == 200
    assert [r["name"] for r in result.body["items"]] == [r.name for r in REPORTS]
    by_name = {r["name"]: r for r in result.body["items"]}
    assert by_name["pause_summary"]["perAgent"] and not by_name["queue_service_level"]["perAgent"]
    assert by_name["dispositions"]["columns"][0] == {
        "name": "local_date",
        "type": "DATE",
        "description": "The site-local day the row belongs to",
    }


def test_admins_get_presigned_urls_of_the_days_asked(centre: Centre) -> None:
    result = get(centre, "ada", "/api/reports/pause_summary/files", **{"from": "2025-03-11", "to": "2025-03-13"})
    assert result.status == 200, result.body
    files = result.body["files"]
    assert [(f["date"], f["format"], f["siteId"]) for f in files] == [
        ("2025-03-11", "csv", "site-london"),
        ("2025-03-11", "parquet", "site-london"),
        ("2025-03-12", "csv", "site-london"),
        ("2025-03-12", "parquet", "site-london"),
    ]
    url = urlparse(files[0]["url"])
    assert unquote(url.path).endswith("/exports/pause_summary/date=2025-03-11/site-london.csv")
    signed = parse_qs(url.query)
    assert "X-Amz-Signature" in signed or "Signature" in signed
    assert result.body["expiresInSeconds"] == 900 and result.body["from"] == "2025-03-11"


def test_supervisors_get_queue_files_but_not_a_sites_agent_files(centre: Centre) -> None:
    days = {"from": "2025-03-12", "to": "2025-03-12"}
    refused = get(centre, "sam", "/api/reports/pause_summary/files", **days)
    assert refused.status == 403 and "rows" in refused.body["error"]["message"]
    allowed = get(centre, "sam", "/api/reports/queue_service_level/files", **days)
    assert allowed.status == 200 and [f["siteId"] for f in allowed.body["files"]] == [None, None]
    assert get(centre, "ana", "/api/reports/queue_service_level/files", **days).status == 403


def test_rows_are_typed_and_scoped_to_a_supervisors_teams(centre: Centre) -> None:
    everyone = get(centre, "ada", "/api/reports/pause_summary/rows", date="2025-03-12")
    assert everyone.status == 200 and not everyone.body["scopedToTeams"]
    rows = everyone.body["rows"]
    assert len(rows) == 3
    assert rows[0]["pauses"] == 2 and rows[0]["pause_seconds"] == 600.5 and rows[0]["productive"] is False
    assert rows[1]["agent_name"] == "=Ben"  # the CSV's formula guard is taken off for JSON
    assert rows[2]["pause_seconds"] is None
    sam = get(centre, "sam", "/api/reports/pause_summary/rows", date="2025-03-12")  # Sam leads Ana's team
    assert sam.body["scopedToTeams"] and {r["agent_id"] for r in sam.body["rows"]} == {centre.ids["ana"]}
    sue = get(centre, "sue", "/api/reports/pause_summary/rows", date="2025-03-12")  # Sue leads Ben's
    assert {r["agent_id"] for r in sue.body["rows"]} == {centre.ids["ben"]}
    queue = get(centre, "sam", "/api/reports/queue_service_level/rows", date="2025-03-12")
    assert queue.body["rows"] == [
        {
            "local_date": "2025-03-12",
            "queue_id": "q1",
            "queue_name": "General",
            "sla_target_seconds": 20,
            "offered": 5,
            "answered": 4,
        }
    ]
    capped = get(centre, "ada", "/api/reports/pause_summary/rows", date="2025-03-12", limit="2")
    assert len(capped.body["rows"]) == 2 and capped.body["truncated"] is True
    assert get(centre, "ben", "/api/reports/pause_summary/rows", date="2025-03-12").status == 403


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/api/reports/nope/rows", {"date": "2025-03-12"}, 404),
        ("/api/reports/pause_summary/files", {"from": "2025-03-12", "to": "2025-03-11"}, 400),
        ("/api/reports/pause_summary/files", {"from": "2025-01-01", "to": "2025-03-11"}, 400),
        ("/api/reports/pause_summary/files", {"from": "2025-03-12"}, 400),
        ("/api/reports/pause_summary/rows", {"date": "yesterday"}, 400),
        ("/api/reports/pause_summary/rows", {"date": "2025-03-12", "limit": "0"}, 400),
    ],
)
def test_bad_requests(centre: Centre, path: str, query: dict[str, Any], status: int) -> None:
    result = get(centre, "ada", path, **query)
    assert result.status == status, result.body


def test_other_methods_are_405_with_allow(centre: Centre) -> None:
    claims = centre.aws.claims(centre.ids["ada"], "admins", username="ada")
    result = call_http(build_http_event("POST", "/api/reports/pause_summary/rows", claims, {}))
    assert result.status == 405 and result.headers["allow"] == "GET"
