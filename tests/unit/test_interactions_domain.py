"""The interactions domain, pure: the lifecycle, messages, dispositions and routing, by example and by
property (Hypothesis)."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from agentdesk.interactions import domain
from agentdesk.interactions.domain import Candidate, Category, Party, Status
from agentdesk.kernel.errors import AgentDeskError, ErrorCode

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANA, BEN = "u-ana", "u-ben"


def queued(**changes: object) -> domain.Interaction:
    interaction = domain.open_interaction(
        interaction_id="int_1",
        queue_id="queue-billing",
        queue_name="Billing",
        skill_id="skill-billing",
        contact=domain.Contact("ct_1", "Carla Customer"),
        now=T0,
    )
    return replace(interaction, **changes)  # type: ignore[arg-type]


def active(agent: str = ANA) -> domain.Interaction:
    offered = domain.offer(queued(), agent_id=agent, agent_name="Ana", offer_id="ofr_1", timeout_seconds=30, now=T0)
    return domain.accept(offered, agent_id=agent, now=T0 + timedelta(seconds=2))


def refused(code: ErrorCode) -> pytest.RaisesExc[AgentDeskError]:
    return pytest.raises(AgentDeskError, check=lambda exc: exc.code is code)


# --- lifecycle ---------------------------------------------------------------------------------------------


def test_an_offer_holds_the_interaction_for_one_agent_until_it_expires() -> None:
    offered = domain.offer(queued(), agent_id=ANA, agent_name="Ana", offer_id="ofr_1", timeout_seconds=30, now=T0)
    assert offered.status is Status.OFFERED and offered.offer is not None
    assert offered.offer.expires_at == "2026-03-02T09:00:30.000Z" and offered.version == 2
    with refused(ErrorCode.NOT_FOUND):
        domain.accept(offered, agent_id=BEN, now=T0)
    assert domain.expire_offer(offered, offer_id="ofr_other", now=T0) is None
    back = domain.expire_offer(offered, offer_id="ofr_1", now=T0 + timedelta(seconds=30))
    assert back is not None and back.status is Status.QUEUED and back.agent_id is None
    assert back.declined_by == (ANA,)


def test_auto_answer_connects_at_once() -> None:
    answered = domain.offer(
        queued(), agent_id=ANA, agent_name="Ana", offer_id="o", timeout_seconds=30, now=T0, auto_answer=True
    )
    assert answered.status is Status.ACTIVE and answered.times.answered_at == answered.times.offered_at


def test_a_rejected_offer_goes_back_to_the_queue_with_the_agent_last() -> None:
    offered = domain.offer(queued(), agent_id=ANA, agent_name="Ana", offer_id="o", timeout_seconds=30, now=T0)
    back = domain.reject(offered, agent_id=ANA, now=T0)
    assert back.status is Status.QUEUED and back.declined_by == (ANA,)
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.reject(back, agent_id=ANA, now=T0)


def test_messages_are_numbered_without_gaps_and_the_first_agent_reply_is_timed() -> None:
    interaction = active()
    seqs = []
    for n, sender in enumerate([Party.CUSTOMER, Party.AGENT, Party.AGENT, Party.CUSTOMER]):
        author = ANA if sender is Party.AGENT else "ct_1"
        interaction, message = domain.send_message(
            interaction,
            sender=sender,
            author_id=author,
            author_name="x",
            text=f"m{n}",
            message_id=f"msg_{n}",
            now=T0 + timedelta(seconds=10 + n),
        )
        seqs.append(message.seq)
    assert seqs == [1, 2, 3, 4] and interaction.last_seq == 4
    assert interaction.times.first_agent_reply_at == "2026-03-02T09:00:11.000Z"


def test_a_resent_client_message_id_is_recognised() -> None:
    interaction, _ = domain.send_message(
        active(),
        sender=Party.CUSTOMER,
        author_id="ct_1",
        author_name="C",
        text="hi",
        message_id="msg_1",
        now=T0,
        client_message_id="c-1",
    )
    assert domain.sent_before(interaction, Party.CUSTOMER, "c-1") == 1
    assert domain.sent_before(interaction, Party.AGENT, "c-1") is None


@pytest.mark.parametrize("text", ["", "   ", "x" * 4001])
def test_a_message_says_something_and_fits(text: str) -> None:
    with refused(ErrorCode.BAD_REQUEST):
        domain.send_message(
            active(), sender=Party.AGENT, author_id=ANA, author_name="Ana", text=text, message_id="m", now=T0
        )


def test_only_the_agent_on_it_writes_and_only_while_active() -> None:
    with refused(ErrorCode.NOT_FOUND):
        domain.send_message(
            active(), sender=Party.AGENT, author_id=BEN, author_name="B", text="x", message_id="m", now=T0
        )
    with refused(ErrorCode.NOT_FOUND):
        domain.send_message(
            queued(), sender=Party.AGENT, author_id=ANA, author_name="A", text="x", message_id="m", now=T0
        )


def test_the_end_opens_wrap_up_or_closes_or_abandons() -> None:
    wrap = domain.end(active(), by=Party.AGENT, agent_id=ANA, now=T0 + timedelta(minutes=5), wrap_up_seconds=120)
    assert wrap.status is Status.WRAP_UP and wrap.wrap_up_deadline == "2026-03-02T09:07:00.000Z"
    no_dispositions = replace(active(), dispositions_enabled=False)
    closed = domain.end(no_dispositions, by=Party.CUSTOMER, now=T0 + timedelta(minutes=5), wrap_up_seconds=120)
    assert closed.status is Status.CLOSED and closed.times.wrap_up_ended_at is not None
    left = domain.end(queued(), by=Party.CUSTOMER, now=T0, wrap_up_seconds=120)
    assert left.status is Status.ABANDONED
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.end(wrap, by=Party.CUSTOMER, now=T0, wrap_up_seconds=120)
    with refused(ErrorCode.NOT_FOUND):
        domain.end(active(), by=Party.AGENT, agent_id=BEN, now=T0, wrap_up_seconds=120)


def test_a_disposition_is_written_once_and_an_automatic_one_completed_later() -> None:
    wrap = domain.end(active(), by=Party.AGENT, agent_id=ANA, now=T0 + timedelta(minutes=5), wrap_up_seconds=60)
    closed, completed = domain.submit_disposition(
        wrap, agent_id=ANA, category=Category.SUCCESS, outcome="Resolved", now=T0 + timedelta(minutes=6)
    )
    assert closed.status is Status.CLOSED and not completed and closed.disposition is not None
    assert domain.time_out_wrap_up(closed, now=T0 + timedelta(minutes=7)) is None
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.submit_disposition(closed, agent_id=ANA, category=Category.FAIL, outcome="x", now=T0)
    timed_out = domain.time_out_wrap_up(wrap, now=T0 + timedelta(minutes=6), counted_on="2026-03-02")
    assert timed_out is not None and timed_out.disposition is not None
    assert (timed_out.disposition.outcome, timed_out.disposition.complete) == (domain.NO_AGENT_SUBMISSION, False)
    assert timed_out.needs_completion
    later, completed = domain.submit_disposition(
        timed_out, agent_id=ANA, category=Category.FAIL, outcome="Not resolved", now=T0 + timedelta(hours=1)
    )
    assert completed and later.disposition is not None and later.disposition.complete
    assert later.disposition.counted_as is Category.FAIL and not later.needs_completion


def test_handle_time_runs_from_the_answer_to_the_end_of_wrap_up() -> None:
    wrap = domain.end(active(), by=Party.AGENT, agent_id=ANA, now=T0 + timedelta(minutes=5), wrap_up_seconds=60)
    closed, _ = domain.submit_disposition(
        wrap, agent_id=ANA, category=Category.SUCCESS, outcome="Resolved", now=T0 + timedelta(minutes=6, seconds=2)
    )
    assert domain.handle_seconds(closed) == 360.0


def test_a_rating_comes_once_after_the_end() -> None:
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.rate(active(), score=5, comment=None, now=T0)
    wrap = domain.end(active(), by=Party.CUSTOMER, now=T0 + timedelta(minutes=1), wrap_up_seconds=60)
    rated = domain.rate(wrap, score=4, comment="ok", now=T0 + timedelta(minutes=2))
    assert rated.rating is not None and rated.rating.score == 4
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.rate(rated, score=5, comment=None, now=T0)
    with refused(ErrorCode.BAD_REQUEST):
        domain.rate(wrap, score=6, comment=None, now=T0)


def test_outcomes_follow_the_queue_set() -> None:
    assert domain.check_outcome("Success", "Resolved", {"Success": ["Resolved"]}) == (Category.SUCCESS, "Resolved")
    with refused(ErrorCode.BAD_REQUEST):
        domain.check_outcome("Success", "Other", {"Success": ["Resolved"]})
    with refused(ErrorCode.BAD_REQUEST):
        domain.check_outcome("Great", "Resolved", {})


def test_an_interaction_survives_its_serialised_form() -> None:
    wrap = domain.end(active(), by=Party.AGENT, agent_id=ANA, now=T0 + timedelta(minutes=5), wrap_up_seconds=60)
    noted = domain.add_note(wrap, agent_id=ANA, note_id="n1", text="called back", now=T0 + timedelta(minutes=6))
    tagged = domain.set_tag(noted, agent_id=ANA, tag="vip", present=True, now=T0 + timedelta(minutes=6))
    assert domain.Interaction.from_dict(tagged.to_dict()) == tagged
    with pytest.raises(ValueError):
        replace(tagged, status=Status.QUEUED)


# --- routing -------------------------------------------------------------------------------------------------


def test_rank_by_proficiency_then_longest_idle_then_id() -> None:
    candidates = [
        Candidate("c", proficiency=3, free_slots=1, idle_since="2026-03-02T08:00:00.000Z", routable=True),
        Candidate("b", proficiency=5, free_slots=1, idle_since="2026-03-02T08:59:00.000Z", routable=True),
        Candidate("a", proficiency=3, free_slots=2, idle_since="2026-03-02T08:00:00.000Z", routable=True),
        Candidate("d", proficiency=5, free_slots=0, idle_since="2026-03-02T07:00:00.000Z", routable=True),
        Candidate("e", proficiency=0, free_slots=3, idle_since="2026-03-02T07:00:00.000Z", routable=True),
        Candidate("f", proficiency=5, free_slots=3, idle_since="2026-03-02T07:00:00.000Z", routable=False),
        Candidate(
            "g", proficiency=5, free_slots=3, idle_since="2026-03-02T07:00:00.000Z", routable=True, on_voice=True
        ),
    ]
    assert domain.rank(candidates, "skill-billing") == ["b", "a", "c"]
    assert domain.rank(candidates, None) == ["e", "a", "c", "b"]
    assert domain.rank(candidates, "skill-billing", declined=["b"]) == ["a", "c", "b"]


def test_no_skilled_agent_falls_back_to_the_general_queue() -> None:
    general = [Candidate("g1", free_slots=1, idle_since="1", routable=True)]
    assert domain.plan([Candidate("x", proficiency=0, free_slots=1, routable=True)], "skill", general) == ["g1"]
    assert domain.plan([Candidate("x", proficiency=2, free_slots=1, routable=True)], "skill", general) == ["x"]
    assert domain.plan([], "skill", None) == []


candidates_strategy = st.lists(
    st.builds(
        Candidate,
        agent_id=st.text("abcdefgh", min_size=1, max_size=3),
        proficiency=st.integers(0, 5),
        free_slots=st.integers(0, 3),
        idle_since=st.sampled_from(["2026-01-01", "2026-01-02", "2026-01-03", ""]),
        routable=st.booleans(),
        on_voice=st.booleans(),
    ),
    max_size=12,
    unique_by=lambda c: c.agent_id,
)


@given(candidates_strategy, st.sampled_from([None, "skill"]), st.lists(st.text("abcdefgh", min_size=1, max_size=3)))
def test_routing_never_picks_an_agent_who_cannot_take_it_and_keeps_the_order(
    candidates: list[Candidate], skill: str | None, declined: list[str]
) -> None:
    ranked = domain.rank(candidates, skill, declined)
    by_id = {c.agent_id: c for c in candidates}
    assert len(ranked) == len(set(ranked))
    for agent_id in ranked:
        chosen = by_id[agent_id]
        assert chosen.routable and chosen.free_slots > 0 and not chosen.on_voice
        assert skill is None or chosen.proficiency > 0
    eligible = {c.agent_id for c in candidates if domain.eligible(c, skill)}
    assert set(ranked) == eligible
    keys = [(a in declined, -by_id[a].proficiency if skill else 0, by_id[a].idle_since, a) for a in ranked]
    assert keys == sorted(keys)


# --- the lifecycle as a state machine (Hypothesis) ---------------------------------------------------------------


class Lifecycle(RuleBasedStateMachine):
    """Random commands on one interaction: whatever is accepted keeps every invariant, versions only grow by
    one, messages stay numbered without gaps, and a disposition once written is never replaced by another
    (only completed)."""

    def __init__(self) -> None:
        super().__init__()
        self.interaction = queued()
        self.now = T0
        self.messages = 0
        self.dispositions = 0

    def _tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def _apply(self, change: object) -> None:
        if change is None:
            return
        assert isinstance(change, domain.Interaction)
        assert change.version == self.interaction.version + 1
        if self.interaction.disposition is not None:
            assert change.disposition is not None
            assert (change.disposition.source, change.disposition.complete) != (domain.Source.TIMEOUT, False) or (
                change.disposition == self.interaction.disposition
            )
        self.interaction = change

    def _try(self, call: object) -> None:
        with contextlib.suppress(AgentDeskError):  # a refusal changes nothing
            self._apply(call() if callable(call) else call)

    @rule(agent=st.sampled_from([ANA, BEN]), auto=st.booleans())
    def offer(self, agent: str, auto: bool) -> None:
        self._try(
            lambda: domain.offer(
                self.interaction,
                agent_id=agent,
                agent_name=agent,
                offer_id=f"o{self.interaction.version}",
                timeout_seconds=30,
                now=self._tick(),
                auto_answer=auto,
            )
        )

    @rule(agent=st.sampled_from([ANA, BEN]))
    def accept(self, agent: str) -> None:
        self._try(lambda: domain.accept(self.interaction, agent_id=agent, now=self._tick()))

    @rule(agent=st.sampled_from([ANA, BEN]))
    def reject(self, agent: str) -> None:
        self._try(lambda: domain.reject(self.interaction, agent_id=agent, now=self._tick()))

    @rule()
    def expire(self) -> None:
        offer = self.interaction.offer
        self._try(
            lambda: domain.expire_offer(self.interaction, offer_id=offer.offer_id if offer else "x", now=self._tick())
        )

    @rule(sender=st.sampled_from([Party.AGENT, Party.CUSTOMER]), agent=st.sampled_from([ANA, BEN]))
    def message(self, sender: Party, agent: str) -> None:
        try:
            after, message = domain.send_message(
                self.interaction,
                sender=sender,
                author_id=agent if sender is Party.AGENT else "ct_1",
                author_name="x",
                text="hi",
                message_id=f"msg_{self.messages}",
                now=self._tick(),
            )
        except AgentDeskError:
            return
        self.messages += 1
        assert message.seq == self.messages
        self._apply(after)

    @rule(by=st.sampled_from([Party.AGENT, Party.CUSTOMER, Party.SYSTEM]), agent=st.sampled_from([ANA, BEN]))
    def end(self, by: Party, agent: str) -> None:
        self._try(lambda: domain.end(self.interaction, by=by, agent_id=agent, now=self._tick(), wrap_up_seconds=60))

    @rule(agent=st.sampled_from([ANA, BEN]), category=st.sampled_from(list(Category)))
    def submit(self, agent: str, category: Category) -> None:
        self._try(
            lambda: domain.submit_disposition(
                self.interaction, agent_id=agent, category=category, outcome="o", now=self._tick()
            )[0]
        )

    @rule()
    def time_out(self) -> None:
        self._try(lambda: domain.time_out_wrap_up(self.interaction, now=self._tick()))

    @precondition(lambda self: self.interaction.status in domain.FINISHED)
    @rule(score=st.integers(1, 5))
    def rate(self, score: int) -> None:
        self._try(lambda: domain.rate(self.interaction, score=score, comment=None, now=self._tick()))

    @invariant()
    def consistent(self) -> None:
        i = self.interaction
        assert domain.invariant_problem(i) is None
        assert i.last_seq == self.messages
        assert domain.Interaction.from_dict(i.to_dict()) == i
        if i.status is Status.CLOSED and i.dispositions_enabled:
            assert i.disposition is not None
        if i.status in (Status.ACTIVE, Status.WRAP_UP):
            assert i.agent_id in (ANA, BEN) and i.times.answered_at is not None


TestLifecycle = Lifecycle.TestCase
TestLifecycle.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)


# --- transfers and watchers --------------------------------------------------------------------------------

T1 = T0 + timedelta(minutes=5)


def test_a_blind_transfer_to_a_queue_keeps_the_place_and_the_note_and_routes_the_agent_last() -> None:
    before = active()
    moved = domain.transfer_to_queue(
        before,
        agent_id=ANA,
        queue_id="queue-sales",
        queue_name="Sales",
        skill_id="skill-sales",
        dispositions_enabled=False,
        note_id="note_1",
        note="Wants to upgrade",
        now=T1,
    )
    assert moved.status is Status.QUEUED and moved.agent_id is None and moved.queue_id == "queue-sales"
    assert moved.times.queued_at == before.times.queued_at and moved.times.transferred_at == "2026-03-02T09:05:00.000Z"
    assert moved.declined_by == (ANA,) and [n.text for n in moved.notes] == ["Wants to upgrade"]
    assert not moved.dispositions_enabled and moved.version == before.version + 1
    assert domain.Interaction.from_dict(moved.to_dict()) == moved


def test_a_blind_transfer_to_an_agent_offers_it_to_them_or_connects_them() -> None:
    offered = domain.transfer_to_agent(
        active(),
        agent_id=ANA,
        target_id=BEN,
        target_name="Ben",
        offer_id="ofr_2",
        timeout_seconds=30,
        auto_answer=False,
        note_id="note_1",
        note=None,
        now=T1,
    )
    assert offered.status is Status.OFFERED and offered.offer is not None and offered.offer.agent_id == BEN
    assert offered.notes == ()
    answered = domain.transfer_to_agent(
        active(),
        agent_id=ANA,
        target_id=BEN,
        target_name="Ben",
        offer_id="ofr_2",
        timeout_seconds=30,
        auto_answer=True,
        note_id="note_1",
        note="VIP",
        now=T1,
    )
    assert answered.status is Status.ACTIVE and answered.agent_id == BEN and answered.agent_name == "Ben"


def test_transfers_are_refused_to_yourself_by_others_and_when_not_active() -> None:
    with refused(ErrorCode.BAD_REQUEST):
        domain.check_transfer_target(active(), agent_id=ANA, target_id=ANA)
    with refused(ErrorCode.NOT_FOUND):
        domain.check_transfer_target(active(), agent_id=BEN, target_id="u-cid")
    with refused(ErrorCode.NOT_FOUND):
        domain.check_transfer_target(queued(), agent_id=ANA, target_id=BEN)
    ended = domain.end(active(), by=Party.AGENT, agent_id=ANA, now=T1, wrap_up_seconds=30)
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.check_transfer_target(ended, agent_id=ANA, target_id=BEN)


def test_an_attended_transfer_waits_until_confirmed_or_cancelled() -> None:
    pending = domain.request_transfer(
        active(), agent_id=ANA, to_kind="agent", to_id=BEN, target_id=BEN, note=" Refund ", now=T1
    )
    assert pending.status is Status.ACTIVE and pending.agent_id == ANA and pending.transfer is not None
    assert pending.transfer.note == "Refund" and pending.transfer.target_agent_id == BEN
    assert domain.Interaction.from_dict(pending.to_dict()) == pending
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.request_transfer(pending, agent_id=ANA, to_kind="agent", to_id=BEN, target_id=BEN, note=None, now=T1)
    with refused(ErrorCode.NOT_FOUND):
        domain.confirm_transfer(pending, agent_id=BEN, target_name="Ben", note_id="note_1", now=T1)
    done = domain.confirm_transfer(pending, agent_id=ANA, target_name="Ben", note_id="note_1", now=T1)
    assert done.agent_id == BEN and done.transfer is None and [n.text for n in done.notes] == ["Refund"]
    assert done.times.transferred_at is not None
    kept = domain.cancel_transfer(pending, agent_id=ANA, now=T1)
    assert kept.agent_id == ANA and kept.transfer is None and kept.notes == ()
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.cancel_transfer(kept, agent_id=ANA, now=T1)
    ended = domain.end(pending, by=Party.CUSTOMER, now=T1, wrap_up_seconds=30)
    assert ended.transfer is None and ended.status is Status.WRAP_UP


def test_watchers_come_and_go_once_each() -> None:
    watched = domain.watch(active(), supervisor_id="u-sam", on=True, now=T1)
    assert watched.watchers == ("u-sam",)
    assert domain.watch(watched, supervisor_id="u-sam", on=True, now=T1) is watched
    assert domain.watch(watched, supervisor_id="u-sam", on=False, now=T1).watchers == ()
    ended = domain.end(active(), by=Party.CUSTOMER, now=T1, wrap_up_seconds=30)
    with refused(ErrorCode.INVALID_TRANSITION):
        domain.watch(ended, supervisor_id="u-sam", on=True, now=T1)


# --- hold (reported by a channel) --------------------------------------------------------------------------


def test_a_hold_adds_up_its_seconds_and_ends_with_the_conversation_or_a_transfer() -> None:
    from agentdesk.interactions.domain.lifecycle import hold, hold_seconds, resume

    on_call = active()
    held = hold(on_call, now=T0 + timedelta(seconds=10))
    assert held.on_hold and held.held_since == "2026-03-02T09:00:10.000Z" and held.version == on_call.version + 1
    assert hold(held, now=T0 + timedelta(seconds=11)) is held  # on hold already: unchanged
    assert hold_seconds(held, "2026-03-02T09:00:14.000Z") == 4
    back = resume(held, now=T0 + timedelta(seconds=25))
    assert not back.on_hold and back.hold_seconds == 15
    assert resume(back, now=T0 + timedelta(seconds=26)) is back
    again = hold(back, now=T0 + timedelta(seconds=30))
    ended = domain.end(again, by=Party.SYSTEM, now=T0 + timedelta(seconds=33), wrap_up_seconds=60)
    assert ended.status is Status.WRAP_UP and not ended.on_hold and ended.hold_seconds == 18
    assert domain.Interaction.from_dict(again.to_dict()) == again
    transferred = domain.transfer_to_queue(
        hold(on_call, now=T0 + timedelta(seconds=5)),
        agent_id=ANA,
        queue_id="queue-general",
        queue_name="General",
        skill_id=None,
        dispositions_enabled=True,
        note_id="note_1",
        note=None,
        now=T0 + timedelta(seconds=7),
    )
    assert transferred.status is Status.QUEUED and not transferred.on_hold and transferred.hold_seconds == 2


def test_only_an_answered_live_interaction_is_held() -> None:
    from agentdesk.interactions.domain.lifecycle import hold, resume

    with refused(ErrorCode.INVALID_TRANSITION):
        hold(queued(), now=T0)
    with refused(ErrorCode.INVALID_TRANSITION):
        resume(queued(), now=T0)
    with pytest.raises(ValueError, match="on hold"):
        replace(queued(), held_since="2026-03-02T09:00:00.000Z")
