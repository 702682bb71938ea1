"""Other channels through the real http-api handler: an outside system creates voice, email and task
interactions and reports their lifecycle, signed with its integration's key. Refusals come with a stable
code and change nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from agentdesk.interactions.domain import ingress as rules
from agentdesk.kernel.settings import reset_settings
from tests.integration.conftest import HttpClient, HttpResult, build_http_event, call_http
from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401


@dataclass
class Integration:
    integration_id: str
    key: str


@dataclass
class Ingress:
    centre: ChatCentre
    admin: HttpClient
    system: Integration
    began: int = field(default_factory=lambda: int(time.time()))
    sent: int = 0

    def integration(self, name: str) -> Integration:
        created = self.admin.create("/api/integrations", {"name": name})
        return Integration(created["id"], created["key"])

    def signed(
        self,
        path: str,
        body: Any,
        *,
        who: Integration | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The event of a request signed as the client does it: over the exact bytes sent."""
        who = who or self.system
        raw = body if isinstance(body, str) else json.dumps(body)
        # Two identical requests signed in the same second are the same request (REPLAYED): each of these
        # is signed a second before the one before it, counting back from when the test began.
        self.sent += 1
        stamp = str(self.began - self.sent if timestamp is None else timestamp)
        signed = {
            rules.KEY_HEADER: who.key,
            rules.TIMESTAMP_HEADER: stamp,
            rules.SIGNATURE_HEADER: rules.sign(who.key, stamp, raw.encode()),
        }
        return build_http_event("POST", path, None, raw, {**signed, **(headers or {})})

    def post(self, path: str, body: Any, **kwargs: Any) -> HttpResult:
        return call_http(self.signed(path, body, **kwargs))

    def create(self, status: int = 201, **body: Any) -> dict[str, Any]:
        result = self.post("/api/ingress/interactions", call(**body))
        assert result.status == status, (result.status, result.body)
        return dict(result.body)

    def report(self, interaction_id: str, kind: str, status: int = 200, **body: Any) -> dict[str, Any]:
        result = self.post(f"/api/ingress/interactions/{interaction_id}/events", {"type": kind, **body})
        assert result.status == status, (result.status, result.body)
        return dict(result.body)

    def footprint(self) -> tuple[int, int]:
        """How many items the interactions and events tables hold: a refusal leaves both as they were."""
        aws = self.centre.aws
        return len(aws.scan("interactions")), len(aws.scan("events"))


def call(**body: Any) -> dict[str, Any]:
    return {
        "channel": "voice",
        "queueId": "queue-general",
        "externalId": "call-0001",
        "contact": {"name": "Carla Caller", "phone": "+441632960123"},
        **body,
    }


@pytest.fixture(name="ingress")
def ingress_fixture(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ingress]:
    monkeypatch.setenv("RATE_LIMIT_INGRESS_REQUESTS", "100000/100000")
    reset_settings()
    admin = HttpClient(chats.aws.claims(chats.centre.ids["ada"], "admins", username="ada"))
    created = admin.create("/api/integrations", {"name": "Telephony"})
    yield Ingress(chats, admin, Integration(created["id"], created["key"]))


# --- the happy paths -------------------------------------------------------------------------------------


def test_a_voice_call_is_routed_blocks_the_agent_and_goes_through_its_lifecycle_into_wrap_up(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    created = ingress.create(subject="Card lost")
    iid = created["interactionId"]
    ana = chats.agent("ana").user_id
    assert (created["status"], created["agentId"], created["channel"]) == ("offered", ana, "voice")
    assert created["externalId"] == "call-0001" and created["onHold"] is False
    state = chats.state("ana")
    assert state["onVoice"] is True and state["activeInteractions"] == 1
    # voice blocks: a chat opened now finds no room with the only agent
    chat = chats.open_chat()["interactionId"]
    assert chats.interaction(chat)["status"] == "queued"

    assert ingress.report(iid, "ringing", at="2026-01-01T09:00:00+01:00")["changed"] is True
    answered = ingress.report(iid, "answered")
    assert answered["changed"] is True and answered["interaction"]["status"] == "active"
    assert ingress.report(iid, "answered")["changed"] is False  # a repeat: nothing more
    assert ingress.report(iid, "held")["interaction"]["onHold"] is True
    assert ingress.report(iid, "held")["changed"] is False
    assert ingress.report(iid, "resumed")["interaction"]["onHold"] is False
    ended = ingress.report(iid, "ended")
    assert ended["changed"] is True and ended["interaction"]["status"] == "wrap_up"
    assert ingress.report(iid, "ended")["changed"] is False
    assert chats.state("ana")["inWrapUp"] is True
    assert ingress.report(iid, "held", status=409)["error"]["code"] == "INVALID_TRANSITION"

    events = chats.events_of(iid)
    assert [e["type"] for e in events] == [
        "interaction.queued",
        "interaction.offered",
        "interaction.ringing",
        "interaction.assigned",
        "interaction.held",
        "interaction.resumed",
        "interaction.ended",
    ]
    ringing = events[2]
    assert ringing["data"]["at"] == "2026-01-01T09:00:00+01:00"
    assert ringing["data"]["integrationId"] == ingress.system.integration_id
    assert ringing["actor"] == {"userId": ingress.system.integration_id, "role": "system"}
    # the agent completes the wrap-up as for a chat
    chats.ack("ana", "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")
    assert chats.interaction(iid)["status"] == "closed"


def test_held_and_resumed_show_to_the_agent_with_the_time_on_hold(
    ingress: Ingress, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    from agentdesk.events import parse_event
    from agentdesk.kernel import clock, push
    from agentdesk.realtime import connections
    from agentdesk.realtime.publisher import deliver

    chats = ingress.centre
    chats.login("ana")
    iid = ingress.create()["interactionId"]
    ingress.report(iid, "answered")
    base = datetime.now(UTC) + timedelta(seconds=1)
    at = [base]
    clock.set_clock(lambda: at[0])  # the signatures' window allows these few seconds ahead
    try:
        held = ingress.report(iid, "held")["interaction"]
        on_hold = chats.interaction(iid)
        at[0] = base + timedelta(seconds=12)
        resumed = ingress.report(iid, "resumed")["interaction"]
        off_hold = chats.interaction(iid)
        at[0] = base + timedelta(seconds=20)
        held_again = ingress.report(iid, "held")["interaction"]
        at[0] = base + timedelta(seconds=25)
        ended = ingress.report(iid, "ended")["interaction"]
        after_end = chats.interaction(iid)
    finally:
        clock.reset_clock()
    assert held["onHold"] is True and resumed["onHold"] is False and held_again["onHold"] is True
    assert on_hold["onHold"] is True and on_hold["heldSince"] is not None and on_hold["holdSeconds"] == 0
    assert off_hold["onHold"] is False and off_hold["heldSince"] is None and off_hold["holdSeconds"] == 12
    assert ended["onHold"] is False and ended["status"] == "wrap_up"
    assert after_end["onHold"] is False and after_end["holdSeconds"] == 17  # a hold running at the end counts

    # the agent hears each change as interaction.updated, in the order written
    connections.save_connection("conn-ana", chats.agent("ana"), 3600)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(push, "send", lambda _connection, message: sent.append(message) or True)
    for document in chats.events_of(iid):
        if document["type"] in ("interaction.held", "interaction.resumed"):
            deliver(parse_event(document))
    assert [(m["type"], m["interaction"]["onHold"]) for m in sent] == [
        ("interaction.updated", True),
        ("interaction.updated", False),
        ("interaction.updated", True),
    ]
    assert sent[1]["interaction"]["holdSeconds"] == 12
    assert sent[2]["interaction"]["heldSince"] > sent[0]["interaction"]["heldSince"]


def test_email_and_task_take_a_slot_each_and_leave_room_for_chats(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    email = ingress.create(channel="email", externalId="mail-1", contact={"name": "Eve", "email": "eve@example.com"})
    task = ingress.create(channel="task", externalId="task-1", contact={"name": "Ticket 42"})
    assert {email["status"], task["status"]} == {"offered"}
    state = chats.state("ana")
    assert state["onVoice"] is False and state["activeInteractions"] == 2
    chat = chats.open_chat()["interactionId"]
    assert chats.interaction(chat)["status"] == "offered"


def test_the_same_external_id_answers_the_same_interaction(ingress: Ingress) -> None:
    first = ingress.create()
    again = ingress.create(status=200)
    assert again["interactionId"] == first["interactionId"]
    other = ingress.integration("Email gateway")  # external ids are per integration
    theirs = ingress.post("/api/ingress/interactions", call(), who=other)
    assert theirs.status == 201 and theirs.body["interactionId"] != first["interactionId"]
    queued = [e for e in ingress.centre.events() if e["type"] == "interaction.queued"]
    assert len(queued) == 2


def test_an_outbound_call_goes_to_the_agent_who_places_it_at_once(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana", "ben")
    ben = chats.agent("ben").user_id
    placed = ingress.create(direction="outbound", agentId=ben, externalId="out-1")
    assert (placed["status"], placed["agentId"], placed["direction"]) == ("active", ben, "outbound")
    assert chats.state("ben")["onVoice"] is True
    ended = ingress.report(placed["interactionId"], "ended")
    assert ended["interaction"]["status"] == "wrap_up"


def test_an_outbound_call_for_an_agent_who_cannot_take_it_creates_nothing(ingress: Ingress) -> None:
    chats = ingress.centre
    ben = chats.agent("ben").user_id  # not logged in
    before = ingress.footprint()
    result = ingress.post("/api/ingress/interactions", call(direction="outbound", agentId=ben))
    assert result.status == 409 and result.error_code in ("NOT_LOGGED_IN", "INVALID_TRANSITION")
    assert ingress.footprint() == before
    assert ingress.create(direction="outbound", status=201)["status"] == "queued"  # the id is still free


def test_an_update_before_an_answer_abandons_or_is_refused(ingress: Ingress) -> None:
    queued = ingress.create()  # nobody logged in
    assert queued["status"] == "queued"
    assert ingress.report(queued["interactionId"], "answered", status=409)["error"]["code"] == "INVALID_TRANSITION"
    assert ingress.report(queued["interactionId"], "held", status=409)["error"]["code"] == "INVALID_TRANSITION"
    assert ingress.report(queued["interactionId"], "ended")["interaction"]["status"] == "abandoned"


# --- authentication ------------------------------------------------------------------------------------------


def test_a_replayed_request_is_refused_and_changes_nothing(ingress: Ingress) -> None:
    request = ingress.signed("/api/ingress/interactions", call())
    assert call_http(request).status == 201
    before = ingress.footprint()
    replayed = call_http(request)
    assert (replayed.status, replayed.error_code) == (409, "REPLAYED")
    assert replayed.body["error"]["field"] == rules.SIGNATURE_HEADER
    assert ingress.footprint() == before
    assert ingress.create(status=200)["externalId"] == "call-0001"  # signed anew, the retry is answered


BAD_AUTHENTICATION = [
    ({rules.SIGNATURE_HEADER: "v1=" + "0" * 64}, rules.SIGNATURE_HEADER),
    ({rules.SIGNATURE_HEADER: "sha256=abc"}, rules.SIGNATURE_HEADER),
    ({rules.SIGNATURE_HEADER: ""}, rules.SIGNATURE_HEADER),
    ({rules.KEY_HEADER: "adk_unknown1_nothing"}, rules.KEY_HEADER),
    ({rules.KEY_HEADER: "not-even-a-key"}, rules.KEY_HEADER),
    ({rules.KEY_HEADER: ""}, rules.KEY_HEADER),
    ({rules.TIMESTAMP_HEADER: "soon"}, rules.TIMESTAMP_HEADER),
    ({rules.TIMESTAMP_HEADER: ""}, rules.TIMESTAMP_HEADER),
]


def test_a_bad_key_signature_or_timestamp_is_401_and_changes_nothing(ingress: Ingress) -> None:
    before = ingress.footprint()
    for headers, at_fault in BAD_AUTHENTICATION:
        result = ingress.post("/api/ingress/interactions", call(), headers=headers)
        assert (result.status, result.error_code, result.body["error"]["field"]) == (401, "UNAUTHORIZED", at_fault)
    assert ingress.footprint() == before


@pytest.mark.parametrize("offset", [-301, 400])
def test_a_stale_or_future_timestamp_is_401(ingress: Ingress, offset: int) -> None:
    result = ingress.post("/api/ingress/interactions", call(), timestamp=int(time.time()) + offset)
    assert (result.status, result.body["error"]["field"]) == (401, rules.TIMESTAMP_HEADER)


def test_a_body_changed_after_signing_is_401(ingress: Ingress) -> None:
    event = ingress.signed("/api/ingress/interactions", call())
    event["body"] = json.dumps(call(queueId="queue-sales"))
    assert call_http(event).status == 401


def test_a_disabled_or_deleted_integration_is_refused(ingress: Ingress) -> None:
    other = ingress.integration("Task tool")
    item = ingress.admin.get(f"/api/integrations/{other.integration_id}")
    body = {"name": "Task tool", "enabled": False}
    assert ingress.admin.put(f"/api/integrations/{other.integration_id}", body, etag=item.headers["etag"]).status == 200
    refused = ingress.post("/api/ingress/interactions", call(), who=other)
    assert (refused.status, refused.error_code, refused.body["error"]["field"]) == (
        401,
        "UNAUTHORIZED",
        "X-AgentDesk-Key",
    )
    assert ingress.admin.delete(f"/api/integrations/{other.integration_id}").status == 204
    assert ingress.post("/api/ingress/interactions", call(), who=other).status == 401


def test_authentication_comes_before_the_body_is_read(ingress: Ingress) -> None:
    unsigned = build_http_event("POST", "/api/ingress/interactions", None, "{not json")
    assert (call_http(unsigned).status, call_http(unsigned).error_code) == (401, "UNAUTHORIZED")
    signed = ingress.post("/api/ingress/interactions", "{not json")
    assert (signed.status, signed.error_code) == (400, "BAD_REQUEST")


def test_the_rate_limit_is_per_integration(ingress: Ingress, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_INGRESS_REQUESTS", "0.01/2")
    reset_settings()
    assert ingress.create(externalId="r-1")["status"] == "queued"
    assert ingress.create(externalId="r-2")["status"] == "queued"
    before = ingress.footprint()
    limited = ingress.post("/api/ingress/interactions", call(externalId="r-3"))
    assert (limited.status, limited.error_code) == (429, "RATE_LIMITED") and int(limited.headers["retry-after"]) >= 1
    assert ingress.footprint() == before
    other = ingress.integration("Email gateway")
    assert ingress.post("/api/ingress/interactions", call(externalId="r-3"), who=other).status == 201


# --- bad input --------------------------------------------------------------------------------------------


BAD_BODIES = [
    (call(channel="chat"), 400, "channel"),
    (call(channel=5), 400, "channel"),
    (call(queueId=7), 400, "queueId"),
    (call(externalId=""), 400, "externalId"),
    (call(externalId="has space"), 400, "externalId"),
    (call(externalId=["x"]), 400, "externalId"),
    (call(contact={"phone": "+44"}), 400, "contact.name"),
    (call(contact="Carla"), 400, "contact"),
    (call(contact={"name": "\u00a0 "}), 400, "contact.name"),  # a name says something
    (call(direction="sideways"), 400, "direction"),
    (call(colour="red"), 400, "colour"),
    (call(agentId="someone"), 400, "agentId"),  # inbound names no agent
    (call(queueId="queue-nowhere"), 404, "queueId"),
    (call(skillId="skill-juggling"), 404, "skillId"),
    (call(direction="outbound", agentId="nobody"), 404, "agentId"),
    ([1, 2], 400, "body"),
]


def test_a_malformed_or_unknown_body_is_refused_and_creates_nothing(ingress: Ingress) -> None:
    before = ingress.footprint()
    for body, status, at_fault in BAD_BODIES:
        result = ingress.post("/api/ingress/interactions", body)
        assert (result.status, result.body["error"]["field"]) == (status, at_fault), (body, result.body)
    assert ingress.footprint() == before


def test_updates_of_unknown_or_another_integrations_interactions_are_404_and_change_nothing(ingress: Ingress) -> None:
    chats = ingress.centre
    chats.login("ana")
    mine = ingress.create()["interactionId"]
    chat = chats.open_chat(name="Other")["interactionId"]  # an interaction no integration created
    other = ingress.integration("Email gateway")
    before = ingress.footprint()
    for interaction_id, who in ((mine, other), ("int_nothing", ingress.system), (chat, ingress.system)):
        result = ingress.post(f"/api/ingress/interactions/{interaction_id}/events", {"type": "ended"}, who=who)
        assert (result.status, result.error_code) == (404, "NOT_FOUND")
    for body in ({"type": "hung-up"}, {"type": 3}, {"type": "ended", "at": "yesterday"}, {"type": "ended", "x": 1}, {}):
        result = ingress.post(f"/api/ingress/interactions/{mine}/events", body)
        assert (result.status, result.error_code) == (400, "BAD_REQUEST"), (body, result.body)
    assert ingress.footprint() == before
    assert ingress.report(mine, "answered")["interaction"]["status"] == "active"


def test_another_method_is_405_with_allow_before_any_authentication(ingress: Ingress) -> None:
    for path in ("/api/ingress/interactions", "/api/ingress/interactions/int_1/events"):
        result = call_http(build_http_event("GET", path, None))
        assert (result.status, result.error_code, result.headers["allow"]) == (405, "METHOD_NOT_ALLOWED", "POST")
