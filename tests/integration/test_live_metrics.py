"""Today's live metrics through the real handlers: agents work (log in, pause, take a chat, disposition) through
ws-commands on a moved clock, their events go through the real reporting-aggregator handler, and the
`metrics.today` pushes it makes (checked against the AsyncAPI document by tests/contracts.py) reach an agent
with their own figures only, each supervisor with their teams' agents and every queue, and the admin with
all; `getMetricsToday` answers the same figures; bursts are throttled and their last change still pushed."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from agentdesk.kernel import clock, push
from agentdesk.realtime import connections
from agentdesk.reporting import live
from agentdesk.reporting.domain.live import THROTTLE_SECONDS
from functions.reporting_aggregator.handler import handler as aggregator_handler
from tests.integration.conftest import FakeLambdaContext
from tests.integration.interactions_centre import ChatCentre, chats_fixture  # noqa: F401
from tests.integration.reporting_day import kinesis_record

START = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)  # London: GMT in March before the clocks change
STAFF = ("ana", "ben", "sam", "sue", "ada")


class Moment:
    def __init__(self) -> None:
        self.now = START

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Wire:
    """Every push the handlers send (they still go to the management API, so the contract check sees them)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], datetime]] = []

    def metrics(self, connection_id: str) -> list[dict[str, Any]]:
        return [m for c, m, _at in self.sent if c == connection_id and m["type"] == "metrics.today"]

    def agents_heard(self, connection_id: str) -> set[str]:
        return {a["agentId"] for m in self.metrics(connection_id) for a in m["agents"]}

    def queues_heard(self, connection_id: str) -> set[str]:
        return {q["queueId"] for m in self.metrics(connection_id) for q in m["queues"]}


@pytest.fixture(name="desk")
def desk_fixture(chats: ChatCentre, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ChatCentre, Moment, Wire]]:
    moment = Moment()
    clock.set_clock(lambda: moment.now)
    wire = Wire()
    original = push.send

    def send(connection_id: str, message: dict[str, Any]) -> bool:
        wire.sent.append((connection_id, message, moment.now))
        return original(connection_id, message)

    monkeypatch.setattr(push, "send", send)
    monkeypatch.setattr(live, "wait", moment.tick)  # a batch waiting for the throttle's window moves the clock
    for name in STAFF:
        connections.save_connection(f"conn-{name}", chats.agent(name), 3600)
    try:
        yield chats, moment, wire
    finally:
        clock.reset_clock()


class Aggregator:
    """Hands the events written since the last call to the real aggregator handler, as Kinesis would."""

    def __init__(self, chats: ChatCentre) -> None:
        self.chats = chats
        self.seen: set[str] = set()
        self.sequence = 0

    def deliver(self, *, one_by_one: bool = False) -> None:
        fresh = [d for d in self.chats.events() if d["eventId"] not in self.seen]
        self.seen |= {d["eventId"] for d in fresh}
        records = []
        for document in fresh:
            self.sequence += 1
            key = document.get("agentId") or "none"
            records.append(kinesis_record(json.dumps(document).encode(), key, f"{self.sequence:056d}"))
        batches = [[r] for r in records] if one_by_one else [records]
        for batch in batches:
            if batch:
                result = aggregator_handler({"Records": batch}, FakeLambdaContext())
                assert result == {"batchItemFailures": []}


def work_a_chat(chats: ChatCentre, moment: Moment, agent: str) -> str:
    iid = chats.open_chat(queueId="queue-general")["interactionId"]
    chats.pump()
    assert chats.interaction(iid)["agentId"] == chats.agent(agent).user_id
    moment.tick(10)
    chats.ack(agent, "accept", interactionId=iid)
    moment.tick(20)
    chats.ack(chats.customer(iid), "sendMessage", text="Hello")
    moment.tick(15)
    chats.ack(agent, "sendMessage", interactionId=iid, text="Hi, how can I help?")
    moment.tick(95)
    chats.ack(agent, "endInteraction", interactionId=iid)
    moment.tick(30)
    chats.ack(agent, "submitDisposition", interactionId=iid, category="Success", outcome="Resolved")
    chats.pump()
    return iid


def test_each_person_hears_the_figures_they_may_see_and_the_read_answers_the_same(
    desk: tuple[ChatCentre, Moment, Wire],
) -> None:
    chats, moment, wire = desk
    aggregator = Aggregator(chats)
    chats.login("ana")
    moment.tick(600)
    chats.ack("ana", "setStatus", status="Away", reason="lunch")
    moment.tick(300)
    chats.ack("ana", "setStatus", status="Available")
    chats.pump()
    moment.tick(60)
    work_a_chat(chats, moment, "ana")
    moment.tick(5)
    aggregator.deliver()

    ana, ben = chats.agent("ana").user_id, chats.agent("ben").user_id
    assert wire.agents_heard("conn-ana") == {ana}
    assert wire.queues_heard("conn-ana") == set()
    assert wire.agents_heard("conn-sam") == {ana}  # Sam leads Ana's team
    assert wire.agents_heard("conn-sue") == set()  # Sue leads Ben's
    assert wire.agents_heard("conn-ada") == {ana}
    assert "queue-general" in wire.queues_heard("conn-sam") & wire.queues_heard("conn-sue")
    assert wire.agents_heard("conn-ben") == set() and wire.queues_heard("conn-ben") == set()
    # one batch: each agent and queue pushed once to each connection
    pushes_to_ana = wire.metrics("conn-ana")
    assert len(pushes_to_ana) == 1

    (mine,) = pushes_to_ana[-1]["agents"]
    assert mine["pauses"] == [
        {"code": "lunch", "label": "Lunch", "productive": False, "seconds": 300.0, "count": 1},
        {"code": "wrap-up", "label": "Wrap-up", "productive": True, "seconds": 30.0, "count": 1},
    ]
    assert (mine["pausedUnproductiveSeconds"], mine["pausedProductiveSeconds"]) == (300.0, 30.0)
    assert (mine["interactions"], mine["successful"], mine["unsure"], mine["failed"]) == (1, 1, 0, 0)
    assert mine["handleSeconds"] == mine["avgHandleSeconds"] == 130.0  # answered → ended
    assert mine["avgFirstResponseSeconds"] == 35.0
    assert mine["open"]["status"] == "Available"
    # closed intervals only: the open one is the client's to add, from `since`
    since = datetime.fromisoformat(mine["open"]["since"])
    assert mine["loggedInSeconds"] == (since - START).total_seconds()
    assert sum(mine["secondsByStatus"].values()) == mine["loggedInSeconds"]

    # Ben logs in: Sue hears of him, Sam and Ana do not
    chats.login("ben")
    moment.tick(5)
    aggregator.deliver()
    assert wire.agents_heard("conn-sue") == {ben}
    assert wire.agents_heard("conn-sam") == {ana}
    assert wire.agents_heard("conn-ana") == {ana}
    assert wire.agents_heard("conn-ada") == {ana, ben}

    # a page that opens reads the same figures
    own = chats.ack("ana", "getMetricsToday")
    assert [a["agentId"] for a in own["agents"]] == [ana] and own["queues"] == []
    assert own["agents"][0] == mine
    board = chats.ack("sam", "getMetricsToday")
    assert [a["agentId"] for a in board["agents"]] == [ana]
    general = next(q for q in board["queues"] if q["queueId"] == "queue-general")
    assert (general["offered"], general["answered"], general["abandoned"], general["waiting"]) == (1, 1, 0, 0)
    assert general["serviceLevel"] == 100.0
    assert general["agentsRoutable"] >= 1
    everyone = chats.ack("ada", "getMetricsToday")
    assert {a["agentId"] for a in everyone["agents"]} >= {ana, ben}
    assert chats.ack("ben", "getMetricsToday")["agents"][0]["agentId"] == ben


def test_a_burst_is_throttled_and_its_last_change_is_pushed(desk: tuple[ChatCentre, Moment, Wire]) -> None:
    chats, moment, wire = desk
    aggregator = Aggregator(chats)
    chats.login("ana")
    for _ in range(6):
        moment.tick(0.2)
        chats.ack("ana", "setStatus", status="Away", reason="lunch")
        moment.tick(0.2)
        chats.ack("ana", "setStatus", status="Available")
    moment.tick(0.2)
    chats.ack("ana", "setStatus", status="Away", reason="break")
    aggregator.deliver(one_by_one=True)  # a batch per event, as a quiet stream hands them over

    at = [when for c, m, when in wire.sent if c == "conn-ana" and m["type"] == "metrics.today"]
    assert 2 <= len(at) <= 14  # 14 events, a batch each: one push per batch at most
    assert all((b - a).total_seconds() >= THROTTLE_SECONDS for a, b in itertools.pairwise(at))
    last = wire.metrics("conn-ana")[-1]["agents"][0]
    assert last["open"]["status"] == "Away" and last["open"]["pauseCode"] == "break"
    assert next(p for p in last["pauses"] if p["code"] == "lunch")["count"] == 6
