"""The routing read model's partitions and rank keys: reading a partition of the ranked index in key order
gives the ranking's order, and every agent's rows say where an interaction of each skill finds them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from agentdesk.interactions import domain
from agentdesk.interactions.domain import Candidate

STAMPS = ["", "2026-11-26T08:00:00.000Z", "2026-11-26T08:00:00.500Z", "2026-11-26T09:30:00.000Z"]

candidates_strategy = st.lists(
    st.builds(
        Candidate,
        agent_id=st.text("abcdefgh-", min_size=1, max_size=4),
        proficiency=st.integers(0, 5),
        free_slots=st.integers(0, 3),
        idle_since=st.sampled_from(STAMPS),
        routable=st.booleans(),
        on_voice=st.booleans(),
    ),
    max_size=15,
    unique_by=lambda c: c.agent_id,
)


@given(candidates_strategy, st.sampled_from([None, "skill"]))
def test_the_index_order_is_the_ranking_order(candidates: list[Candidate], skill: str | None) -> None:
    keyed = [(domain.rank_key(c, skill), c.agent_id) for c in candidates]
    in_index = [agent_id for key, agent_id in sorted((k, a) for k, a in keyed if k is not None)]
    assert in_index == domain.rank(candidates, skill)
    # Only the agents who may be offered work now are in the index.
    assert {a for k, a in keyed if k is not None} == {c.agent_id for c in candidates if domain.eligible(c, skill)}


@given(candidates_strategy, st.sampled_from([None, "skill"]), st.lists(st.text("abcdefgh-", min_size=1, max_size=4)))
def test_reading_the_first_few_of_the_index_asks_the_same_agents_first(
    candidates: list[Candidate], skill: str | None, declined: list[str]
) -> None:
    """Routing reads MAX_CLAIMS + declined rows of the index, then puts the declined last: the agents it asks
    first are the ones the full ranking would ask first."""
    by_key = sorted((k, c) for c in candidates if (k := domain.rank_key(c, skill)) is not None)
    full = domain.rank(candidates, skill, declined)
    limit = 3 + len(set(declined))
    read = domain.rank([c for _k, c in by_key[:limit]], skill, declined)
    undeclined = [a for a in full if a not in declined]
    assert read[: min(3, len(undeclined))] == undeclined[:3]


def test_an_interaction_needs_its_own_skill_else_its_queues() -> None:
    assert domain.partition_for("q1", None, None) == ("queue#q1", None)
    assert domain.partition_for("q1", "billing", "billing") == ("queue#q1", "billing")
    assert domain.partition_for("q1", "billing", None) == ("queue#q1", "billing")
    assert domain.partition_for("q1", None, "french") == ("queue#q1#skill#french", "french")
    assert domain.partition_for("q1", "billing", "french") == ("queue#q1#skill#french", "french")


def test_an_agents_rows_cover_each_queue_and_each_other_skill() -> None:
    rows = domain.rows_for(
        "ana",
        routable=True,
        capacity=3,
        active_interactions=1,
        on_voice=False,
        idle_since="2026-11-26T08:00:00.000Z",
        skills={"billing": 4, "french": 2},
        queues={"q-billing": "billing", "q-general": None},
    )
    by_partition = {row.partition: row for row in rows}
    assert sorted(by_partition) == [
        "queue#q-billing",
        "queue#q-billing#skill#french",
        "queue#q-general",
        "queue#q-general#skill#billing",
        "queue#q-general#skill#french",
    ]
    assert by_partition["queue#q-billing"].candidate.proficiency == 4
    assert by_partition["queue#q-billing"].rank == "5#2026-11-26T08:00:00.000Z#ana"
    assert by_partition["queue#q-general"].rank == "9#2026-11-26T08:00:00.000Z#ana"
    assert by_partition["queue#q-general#skill#french"].rank == "7#2026-11-26T08:00:00.000Z#ana"
    assert all(row.candidate.free_slots == 2 for row in rows)


def test_an_agent_who_may_not_take_work_has_rows_but_no_rank() -> None:
    for kwargs in ({"routable": False}, {"on_voice": True}, {"active_interactions": 3}):
        settings = {"routable": True, "on_voice": False, "active_interactions": 0} | kwargs
        rows = domain.rows_for(
            "ben",
            capacity=3,
            idle_since="2026-11-26T08:00:00.000Z",
            skills={"billing": 1},
            queues={"q": "billing"},
            **settings,  # type: ignore[arg-type]
        )
        assert [row.partition for row in rows] == ["queue#q"]
        assert rows[0].rank is None
    lacking = domain.rows_for(
        "cy",
        routable=True,
        capacity=3,
        active_interactions=0,
        on_voice=False,
        idle_since="",
        skills={},
        queues={"q": "billing"},
    )
    assert [(row.partition, row.rank) for row in lacking] == [("queue#q", None)]
