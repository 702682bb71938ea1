"""The traffic simulator (scripts/simulate.py) against a stand-in of the stack that speaks the interactions
protocol (tests/unit/test_simulator_fake.py): what it sends, and what it counts."""

from __future__ import annotations

import asyncio
from typing import Any

from scripts import simulate
from tests.unit.test_simulator_fake import OUTCOMES, FakeStack, fake_sign_in, running

QUICK = {
    "think": (0.01, 0.03),
    "reply_delay": (0.01, 0.03),
    "wrap_up": (0.01, 0.02),
    "report_every": 60.0,
    "quiet": True,
    "seed": 7,
}


def run(fake: FakeStack, **changes: Any) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        async with running(fake):
            options = simulate.Options(url=fake.url, sign_in=fake_sign_in, **(QUICK | changes))
            return await simulate.Simulation(options).run()

    return asyncio.run(go())


def actions(fake: FakeStack, who: str) -> list[dict[str, Any]]:
    return [frame for token, frame in fake.frames if token.startswith(who)]


def test_every_answered_chat_is_ended_dispositioned_and_rated() -> None:
    fake = FakeStack()
    summary = run(fake, rate=600, duration=1.5, agents=3, reject_rate=0.2, patience=20, drain=20)

    assert summary["opened"] > 5
    assert summary["answered"] == summary["opened"] - summary["abandoned"]
    assert summary["answered"] > 0
    assert summary["dispositioned"] == summary["answered"]
    assert summary["ended"] == summary["answered"]
    assert summary["rated"] == summary["ended"]  # every chat that was not abandoned
    assert summary["endedByAgent"] + summary["endedByCustomer"] == summary["ended"]
    assert summary["problems"] == []
    assert summary["errorsByCode"] == {}, summary["errorsByAction"]
    assert summary["duplicates"] > 0  # the fake pushes each message twice to the agent
    assert summary["customerMessages"] >= summary["answered"]
    # a message written while queued is read with the conversation on accept, not pushed: no latency sample
    assert 0 < summary["messageSamples"] <= summary["customerMessages"]
    assert summary["offerSamples"] == summary["offered"]
    # the demo agents were used: nobody was created
    assert not any(u["username"].startswith("sim-agent") for u in fake.users)


def test_frames_follow_the_protocol() -> None:
    fake = FakeStack()
    run(fake, rate=300, duration=1, agents=2, reject_rate=0.5, patience=20, drain=20)

    agent = actions(fake, "token:")
    customer = actions(fake, "customer:")
    assert {f["action"] for f in agent} >= {"getState", "login", "accept", "getInteraction", "sendMessage",
                                            "submitDisposition"}  # fmt: skip
    assert {f["action"] for f in customer} >= {"sendMessage", "rate"}
    assert all(f["requestId"] for f in agent + customer)
    assert len({f["requestId"] for f in agent + customer}) == len(agent + customer)
    for frame in agent:
        if frame["action"] == "submitDisposition":
            assert frame["outcome"] in OUTCOMES[frame["category"]]
        if frame["action"] in ("accept", "reject", "sendMessage", "endInteraction", "submitDisposition"):
            assert frame["interactionId"].startswith("int_")
        if frame["action"] == "reject":
            assert len(frame["reason"]) <= 200
    for frame in customer:
        assert "interactionId" not in frame  # implied by the customer's token
        if frame["action"] == "rate":
            assert 1 <= frame["score"] <= 5
        if frame["action"] == "sendMessage":
            assert 1 <= len(frame["text"]) <= 4000 and len(frame["clientMessageId"]) <= 64


def test_created_agents_on_a_queue_of_their_own() -> None:
    fake = FakeStack()
    summary = run(fake, rate=300, duration=1, agents=2, isolated=True, reject_rate=0, patience=20, drain=20)

    created = [u for u in fake.users if u["username"].startswith("sim-agent")]
    assert [u["username"] for u in created] == ["sim-agent-001", "sim-agent-002"]
    own = next(q for q in fake.queues.values() if q["name"] == simulate.SIM_QUEUE_NAME)
    assert all(u["queueIds"] == [own["id"]] for u in created)
    assert {i.queue_id for i in fake.interactions.values()} == {own["id"]}
    assert {i.agent for i in fake.interactions.values() if i.agent} <= {"sim-agent-001", "sim-agent-002"}
    assert summary["answered"] > 0 and summary["problems"] == []


def test_queue_without_dispositions_is_not_dispositioned() -> None:
    fake = FakeStack(dispositions_enabled=False)
    summary = run(fake, rate=300, duration=1, agents=2, reject_rate=0, patience=20, drain=20)

    assert summary["answered"] > 0
    assert summary["dispositioned"] == 0
    assert summary["dispositionsOff"] == summary["answered"]
    assert not any(f["action"] == "submitDisposition" for f in actions(fake, "token:"))
    assert summary["problems"] == [] and summary["errorsByCode"] == {}


def test_nobody_answers_customers_leave_and_errors_are_counted_by_code() -> None:
    fake = FakeStack(refuse_accepts="INTERNAL_ERROR")
    summary = run(fake, rate=300, duration=1, agents=1, reject_rate=0, patience=0.5, drain=10)

    assert summary["opened"] > 0
    assert summary["answered"] == 0
    assert summary["abandoned"] == summary["opened"]
    assert summary["errorsByCode"]["INTERNAL_ERROR"] >= 1
    assert "agent accept: INTERNAL_ERROR" in summary["errorsByAction"]
    assert summary["problems"] == []


def test_an_accept_refused_as_the_customer_leaves_is_a_race_not_an_error() -> None:
    # the offer is withdrawn (the customer left) as the agent accepts: refused, and a push says why
    fake = FakeStack(refuse_accepts="INVALID_TRANSITION")
    summary = run(fake, rate=300, duration=1, agents=1, reject_rate=0, patience=0.5, drain=10)

    assert summary["opened"] > 0
    assert summary["abandoned"] == summary["opened"]
    assert summary["races"]["agent accept: INVALID_TRANSITION"] >= 1
    assert summary["errorsByCode"] == {}
    assert summary["problems"] == []


def test_no_agents_no_customers_is_an_empty_summary() -> None:
    fake = FakeStack()
    summary = run(fake, rate=0, duration=0.2, agents=1)

    assert summary["opened"] == 0 and summary["errors"] == 0
    assert actions(fake, "customer:") == []


def test_summary_prints(capsys: Any) -> None:
    stats = simulate.Stats()
    chat = stats.adopt(simulate.Chat(1, opened_at=1.0), "i1")
    chat.offered_at, chat.answered_at = 1.05, 1.1
    stats.message_ms += [10.0, 20.0, 30.0]
    stats.error("agent", "accept", "CONFLICT")
    simulate.print_summary(stats.summary())

    out = capsys.readouterr().out
    assert "chats opened" in out and "agent accept: CONFLICT" in out
    assert "chat 1 (i1) was answered but never ended" in out
    assert stats.summary()["openToOfferMedianMs"] == 50.0


def test_offer_before_the_customer_knows_its_interaction_is_merged() -> None:
    stats = simulate.Stats()
    early = stats.record("i9")  # the agent's offer came first
    early.offered_at = 5.2
    chat = stats.adopt(simulate.Chat(3, opened_at=5.0, queue_id="q"), "i9")

    assert chat is early and chat.number == 3 and chat.queue_id == "q"
    assert stats.chats == {3: chat}
    assert round(stats.offer_ms()[0]) == 200


def test_command_line_options() -> None:
    args = simulate.parser().parse_args(["--rate", "30", "--duration", "5", "--agents", "7", "--messages", "1,3"])
    options = simulate.options_from(args)

    assert (options.rate, options.duration, options.agents, options.messages) == (30.0, 5.0, 7, (1, 3))
    assert options.forwarded_for and not options.isolated
    assert simulate.with_token("ws://h/ws", "t") == "ws://h/ws?token=t"
    assert simulate.with_token("ws://h/ws?a=1", "t") == "ws://h/ws?a=1&token=t"
