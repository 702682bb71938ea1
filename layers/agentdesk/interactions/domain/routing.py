"""Routing: which agents may get a queued interaction, best first (DESIGN §4, seed 002).

An agent is a candidate when routable (logged in, Available, no pending status), with a free slot, not on
a voice call (voice blocks) and, when the queue requires a skill, holding it. Candidates are ranked by
proficiency in that skill (higher first), then by how long they have been idle (longest first), then by
agent id (a stable order). Agents who rejected or let an offer of this interaction expire come after every
other candidate. With no candidate in the queue, the general queue's agents are asked (the fallback).

An interaction needs its own skill when it names one (a telephony system's or an integration's choice),
else its queue's. The read model keeps, per queue, one partition for the queue's required skill (or none)
and one per other skill its agents hold, so an interaction's candidates are one partition either way. In
each partition only the agents who may be offered something now carry a rank key, which sorts them in the
ranking's order: routing reads the first few of an index, never every agent of the queue.

The ranking decides who is asked first, never who may take it: the claim is a conditional write on the
agent's state, so a stale read model can cost a retry but never put an agent over capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Above any proficiency (1-5): a rank key starts with MAX_PROFICIENCY - proficiency, so the best sort first.
MAX_PROFICIENCY = 9


@dataclass(frozen=True)
class Candidate:
    """An agent as the routing read model has them, for one queue."""

    agent_id: str
    proficiency: int = 0  # in the queue's required skill; 0 when the agent lacks it or none is required
    free_slots: int = 0
    idle_since: str = ""
    routable: bool = False
    on_voice: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "agentId": self.agent_id,
            "proficiency": self.proficiency,
            "freeSlots": self.free_slots,
            "idleSince": self.idle_since,
            "routable": self.routable,
            "onVoice": self.on_voice,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(
            agent_id=str(data["agentId"]),
            proficiency=int(data.get("proficiency") or 0),
            free_slots=int(data.get("freeSlots") or 0),
            idle_since=str(data.get("idleSince") or ""),
            routable=bool(data.get("routable")),
            on_voice=bool(data.get("onVoice")),
        )


def eligible(candidate: Candidate, skill_id: str | None) -> bool:
    """May be offered an interaction of a queue requiring `skill_id` (None: no skill required)."""
    return (
        candidate.routable
        and candidate.free_slots > 0
        and not candidate.on_voice
        and (skill_id is None or candidate.proficiency > 0)
    )


def rank(candidates: Iterable[Candidate], skill_id: str | None, declined: Sequence[str] = ()) -> list[str]:
    """The eligible agents' ids, best first."""
    passed = set(declined)
    chosen = [c for c in candidates if eligible(c, skill_id)]
    chosen.sort(key=lambda c: (c.agent_id in passed, -c.proficiency if skill_id else 0, c.idle_since, c.agent_id))
    return [c.agent_id for c in chosen]


def plan(
    queue: Iterable[Candidate],
    skill_id: str | None,
    general: Iterable[Candidate] | None = None,
    declined: Sequence[str] = (),
) -> list[str]:
    """Who to ask, in order: the queue's candidates; when there is none, the general queue's (no skill
    required there), if the queue falls back to one."""
    ranked = rank(queue, skill_id, declined)
    if ranked or general is None:
        return ranked
    return rank(general, None, declined)


def candidate_for(
    agent_id: str,
    *,
    routable: bool,
    capacity: int,
    active_interactions: int,
    on_voice: bool,
    idle_since: str,
    skills: Mapping[str, int],
    required_skill_id: str | None,
) -> Candidate:
    """The read model's row of an agent for a queue, from the agent's state and profile."""
    proficiency = skills.get(required_skill_id, 0) if required_skill_id else 0
    return Candidate(
        agent_id=agent_id,
        proficiency=proficiency,
        free_slots=max(0, capacity - active_interactions),
        idle_since=idle_since,
        routable=routable,
        on_voice=on_voice,
    )


# --- the read model's partitions and rank keys ---------------------------------------------------------------


def partition(queue_id: str, skill_id: str | None = None) -> str:
    """The read model's partition of a queue: its own (proficiency in the queue's required skill), or, for an
    interaction that needs another skill, that skill's."""
    return f"queue#{queue_id}" if skill_id is None else f"queue#{queue_id}#skill#{skill_id}"


def partition_for(queue_id: str, queue_skill_id: str | None, skill_id: str | None) -> tuple[str, str | None]:
    """Where an interaction's candidates are, and the skill they need: the queue's partition when the
    interaction needs no skill of its own (or the queue's), else the partition of its skill."""
    if skill_id is None or skill_id == queue_skill_id:
        return partition(queue_id), queue_skill_id
    return partition(queue_id, skill_id), skill_id


def rank_key(candidate: Candidate, skill_id: str | None) -> str | None:
    """The candidate's place in its partition, best first (higher proficiency, then idle longest, then agent
    id); None when the agent may not be offered anything there now (kept out of the ranked index)."""
    if not eligible(candidate, skill_id):
        return None
    proficiency = candidate.proficiency if skill_id else 0
    return f"{MAX_PROFICIENCY - proficiency}#{candidate.idle_since}#{candidate.agent_id}"


@dataclass(frozen=True)
class Row:
    """One row of the read model: an agent in a partition, with its rank key (None: not offered now)."""

    partition: str
    candidate: Candidate
    rank: str | None


def rows_for(
    agent_id: str,
    *,
    routable: bool,
    capacity: int,
    active_interactions: int,
    on_voice: bool,
    idle_since: str,
    skills: Mapping[str, int],
    queues: Mapping[str, str | None],
) -> list[Row]:
    """Every row of an agent: for each queue they serve (queue id -> its required skill), the queue's row and
    one per other skill they hold."""
    rows: list[Row] = []
    for queue_id, required in sorted(queues.items()):
        needs: list[tuple[str, str | None]] = [(partition(queue_id), required)]
        needs += [(partition(queue_id, s), s) for s, p in sorted(skills.items()) if p > 0 and s != required]
        for key, skill_id in needs:
            candidate = candidate_for(
                agent_id,
                routable=routable,
                capacity=capacity,
                active_interactions=active_interactions,
                on_voice=on_voice,
                idle_since=idle_since,
                skills=skills,
                required_skill_id=skill_id,
            )
            rows.append(Row(key, candidate, rank_key(candidate, skill_id)))
    return rows
