"""Routing: which agents may get a queued interaction, best first (DESIGN §4, seed 002).

An agent is a candidate when routable (logged in, Available, no pending status), with a free slot, not on
a voice call (voice blocks) and, when the queue requires a skill, holding it. Candidates are ranked by
proficiency in that skill (higher first), then by how long they have been idle (longest first), then by
agent id (a stable order). Agents who rejected or let an offer of this interaction expire come after every
other candidate. With no candidate in the queue, the general queue's agents are asked (the fallback).

The ranking decides who is asked first, never who may take it: the claim is a conditional write on the
agent's state, so a stale read model can cost a retry but never put an agent over capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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
