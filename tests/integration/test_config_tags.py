"""Tags through the real http-api handler, and the directory routing and wrap-up read: queues with the
settings' defaults filled in, disposition outcomes, canned messages, tags, the general queue and who is
assigned to which queue — loaded in one Scan, and changed at once by the next config write.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from agentdesk.config import directory
from agentdesk.config.defaults import TAGS
from agentdesk.events import parse_event
from agentdesk.realtime.domain.audience import push_for
from tests.integration.aws_calls import counted
from tests.integration.centre import Centre, demo_centre
from tests.integration.conftest import AwsStack, HttpClient

# --- tags over HTTP ---------------------------------------------------------------------------------------


def test_an_admin_keeps_the_tags_agents_pick(aws: AwsStack, http_client: HttpClient) -> None:
    created = http_client.create("/api/tags", {"label": "  VIP ", "color": "#1F6FEB", "description": "Gold tier"})
    assert {k: created[k] for k in ("label", "color", "description", "enabled", "version")} == {
        "label": "VIP",
        "color": "#1f6feb",
        "description": "Gold tier",
        "enabled": True,
        "version": 1,
    }
    plain = http_client.create("/api/tags", {"label": "Refund"})
    assert (plain["color"], plain["description"], plain["enabled"]) == (None, "", True)
    listed = http_client.get("/api/tags").body["items"]
    assert sorted(t["label"] for t in listed) == ["Refund", "VIP"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"label": "VIP", "color": "crimson"}, "color"),
        ({"label": "VIP", "color": "#fff"}, "color"),
        ({"label": "x" * 41}, "label"),
        ({"label": "V\u200bIP"}, "label"),
        ({"label": "   "}, "label"),
        ({"label": "VIP", "enabled": "yes"}, "enabled"),
        ({"label": "VIP", "colour": "red"}, "colour"),
    ],
)
def test_a_malformed_tag_is_400_and_changes_nothing(
    aws: AwsStack, http_client: HttpClient, body: dict[str, Any], field: str
) -> None:
    result = http_client.post("/api/tags", body)
    assert (result.status, result.error_code, result.body["error"]["field"]) == (400, "BAD_REQUEST", field)
    assert http_client.get("/api/tags").body["items"] == []


def test_a_bad_colour_is_explained_in_words(http_client: HttpClient) -> None:
    message = http_client.post("/api/tags", {"label": "VIP", "color": "crimson"}).body["error"]["message"]
    assert "purple" in message and "#1f6feb" in message


def test_tag_labels_are_unique_ignoring_case_and_spacing(http_client: HttpClient) -> None:
    first = http_client.create("/api/tags", {"label": "Follow-up"})
    taken = http_client.post("/api/tags", {"label": " follow-UP"})
    assert (taken.status, taken.error_code, taken.body["error"]["field"]) == (409, "CONFLICT", "label")
    other = http_client.create("/api/tags", {"label": "Escalated"})
    renamed = http_client.put(f"/api/tags/{other['id']}", {"label": "FOLLOW-UP"}, etag='"1"')
    assert (renamed.status, renamed.error_code) == (409, "CONFLICT")
    assert http_client.delete(f"/api/tags/{first['id']}").status == 204
    assert http_client.put(f"/api/tags/{other['id']}", {"label": "FOLLOW-UP"}, etag='"1"').status == 200


def test_agents_read_tags_and_only_admins_write_them(aws: AwsStack, http_client: HttpClient) -> None:
    tag = http_client.create("/api/tags", {"label": "VIP", "color": "purple"})
    for group in ("agents", "supervisors"):
        reader = HttpClient(aws.claims(f"{group}-1", group))
        assert reader.get("/api/tags").status == 200
        assert reader.get(f"/api/tags/{tag['id']}").body["label"] == "VIP"
        for result in (
            reader.post("/api/tags", {"label": "Mine"}),
            reader.put(f"/api/tags/{tag['id']}", {"label": "Mine"}, etag='"1"'),
            reader.delete(f"/api/tags/{tag['id']}"),
        ):
            assert (result.status, result.error_code) == (403, "FORBIDDEN")
    assert http_client.get(f"/api/tags/{tag['id']}").body["version"] == 1


def test_a_tag_change_is_audited_and_reaches_every_workspace(aws: AwsStack, http_client: HttpClient) -> None:
    tag = http_client.create("/api/tags", {"label": "VIP"})
    documents = [json.loads(item["document"]["S"]) for item in aws.scan("events")]
    [event] = [d for d in documents if d["type"] == "config.changed" and d["data"]["id"] == tag["id"]]
    assert event["data"] == {"kind": "tag", "id": tag["id"], "change": "created", "version": 1, "endSessions": None}
    push = push_for(parse_event(event))
    assert push is not None and push.broadcast  # agents re-read their tag list, as for canned messages


def test_the_openapi_document_describes_tags(http_client: HttpClient) -> None:
    document = http_client.get("/api/openapi.json", claims=None).body
    operations = {(m.upper(), p): op for p, ops in document["paths"].items() for m, op in ops.items()}
    assert {op["x-agentdesk-role"] for (m, p), op in operations.items() if p.startswith("/api/tags")} == {
        "agent",
        "admin",
    }
    assert operations[("GET", "/api/tags")]["x-agentdesk-role"] == "agent"
    color = document["components"]["schemas"]["TagInput"]["properties"]["color"]
    pattern = next(s for s in color["anyOf"] if s.get("type") == "string")["pattern"]
    assert "purple" in pattern and "#[0-9a-fA-F]{6}" in pattern


# --- the directory routing and wrap-up read -----------------------------------------------------------------


@pytest.fixture
def centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    return demo_centre(aws, monkeypatch)


def edit(http: HttpClient, path: str, **changes: Any) -> None:
    current = http.get(path)
    meta = {"id", "version", "createdAt", "updatedAt", "system", "username", "keyPrefix"}
    body = {k: v for k, v in current.body.items() if k not in meta} | changes
    result = http.put(path, body, etag=current.headers["etag"])
    assert result.status == 200, result.body


def test_the_demo_directory_holds_what_routing_and_wrap_up_need(centre: Centre) -> None:
    found = directory.current()
    assert found.general_queue_id == "queue-general"
    billing = found.queue("queue-billing")
    assert billing is not None
    assert (billing.name, billing.required_skill_id, billing.sla_target_seconds) == ("Billing", "skill-billing", 20)
    assert (billing.wrap_up_timeout_seconds, billing.offer_timeout_seconds) == (120, 30)  # the settings' defaults
    assert billing.disposition_set_id == "dispositions-service"
    assert billing.outcomes["Unsure"] == ("Follow-up needed", "Escalated")
    assert found.queue("queue-sales").outcomes["Success"] == ("Sale", "Upgrade")  # type: ignore[union-attr]
    assert set(found.queues) == {"queue-general", "queue-billing", "queue-technical", "queue-sales", "queue-spanish"}

    assert {t.label for t in found.tags.values()} == {label for _id, label, _color, _text in TAGS}
    assert found.tag_labelled("vip") == found.tags["tag-vip"]
    assert found.canned_messages["canned-billing-account"].queue_id == "queue-billing"
    assert {m.id for m in found.canned_messages_for("queue-billing")} >= {"canned-greeting", "canned-billing-account"}

    ana, ben = centre.ids["ana"], centre.ids["ben"]
    general = [p.agent_id for p in found.agents_in_queue("queue-general")]
    assert {ana, ben} <= set(general)
    assert found.profile(ana).queue_ids[0] == "queue-general"  # type: ignore[union-attr]
    assert all(p.enabled for p in found.agents_in_queue("queue-general"))


def test_the_directory_is_one_consistent_scan_of_its_kinds(centre: Centre) -> None:
    directory.forget()
    with counted() as calls:
        found = directory.current()
    config_table = centre.aws.tables["config"]
    assert [c.operation for c in calls.on(config_table)] == ["dynamodb:GetItem", "dynamodb:Scan"]
    [scan] = [c for c in calls.made if c.operation == "dynamodb:Scan"]
    assert scan.params["ConsistentRead"] is True
    assert "FilterExpression" in scan.params
    # name claims and the version item are filtered out; the deleted users' partition is read
    assert found.deleted == frozenset()
    with counted() as calls:
        assert directory.current() is found  # warm: the version alone
    assert calls.counts() == {"dynamodb:GetItem": 1}


def test_a_config_change_reaches_the_directory_at_once(centre: Centre, http_client: HttpClient) -> None:
    assert directory.current().queue("queue-billing").wrap_up_timeout_seconds == 120  # type: ignore[union-attr]
    edit(http_client, "/api/queues/queue-billing", wrapUpTimeoutSeconds=45, offerTimeoutSeconds=12)
    billing = directory.current().queue("queue-billing")
    assert billing is not None and (billing.wrap_up_timeout_seconds, billing.offer_timeout_seconds) == (45, 12)

    edit(http_client, "/api/settings", defaultWrapUpTimeoutSeconds=200, generalQueueId="queue-billing")
    found = directory.current()
    assert found.general_queue_id == "queue-billing"
    assert found.queue("queue-general").wrap_up_timeout_seconds == 200  # type: ignore[union-attr]
    assert found.queue("queue-billing").wrap_up_timeout_seconds == 45  # type: ignore[union-attr]

    edit(
        http_client,
        "/api/disposition-sets/dispositions-service",
        outcomes={"Success": ["Fixed"], "Unsure": ["Hmm"], "Fail": ["No"]},
    )
    assert directory.current().queue("queue-billing").outcomes["Success"] == ("Fixed",)  # type: ignore[union-attr]

    edit(http_client, "/api/queues/queue-billing", dispositionsEnabled=False, dispositionSetId=None)
    billing = directory.current().queue("queue-billing")
    assert billing is not None and (billing.dispositions_enabled, billing.disposition_set_id) == (False, None)

    edit(http_client, "/api/tags/tag-vip", enabled=False, color="#000000")
    assert directory.current().tags["tag-vip"].enabled is False
    assert directory.current().tags["tag-vip"].color == "#000000"

    ana = centre.ids["ana"]
    edit(http_client, f"/api/users/{ana}", queueIds=["queue-sales"])
    found = directory.current()
    assert ana in [p.agent_id for p in found.agents_in_queue("queue-sales")]
    assert ana not in [p.agent_id for p in found.agents_in_queue("queue-general")]
    edit(http_client, f"/api/users/{ana}", enabled=False)
    assert ana not in [p.agent_id for p in directory.current().agents_in_queue("queue-sales")]
