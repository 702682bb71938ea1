"""Routing: offering queued interactions to agents, and the read model it ranks agents from.

`route` ranks the queue's agents (domain/routing.py) from the routing read model and claims the best one
that may take it: one transaction holds the interaction (still queued, at the version read), the agent's
state (at its version: the agents context refuses an agent paused, offline, at capacity or on voice) and
both events. A cancelled claim says which part moved: the agent (ask the next one) or the interaction
(someone else routed it: read it again).

It runs synchronously where an interaction is queued (a new chat, a rejected offer) and again from the
event stream (`on_event`, the router function): a new or re-queued interaction, and the oldest waiting
interactions when an agent frees up. The router also starts the offer and wrap-up timers. `update_model`
keeps the read model (the routing-model function).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from agentdesk.agents import domain as agent_domain
from agentdesk.agents import service as agent_service
from agentdesk.agents.events import AgentStateChanged
from agentdesk.config import directory
from agentdesk.config.directory import Directory
from agentdesk.config.events import ConfigChanged
from agentdesk.events import Event
from agentdesk.interactions import domain, service, store
from agentdesk.interactions import events as ev
from agentdesk.kernel import clock, workflows
from agentdesk.kernel.errors import AgentDeskError
from agentdesk.kernel.observability import logger
from agentdesk.kernel.unit_of_work import Cancelled

MAX_CLAIMS = 50  # agents asked per routing attempt (a refusal costs one read) before it waits for the next chance
ROUNDS = 4  # re-reads of an interaction someone else changed meanwhile
WAITING_PER_QUEUE = 10  # oldest waiting interactions looked at per queue when an agent frees up


def route(
    interaction_id: str,
    *,
    exclude: Sequence[str] = (),
    config: Directory | None = None,
    known: domain.Interaction | None = None,
) -> domain.Interaction | None:
    """Offer the interaction to the best agent who may take it now; it stays queued when nobody may.
    `known`: the interaction as its caller just wrote it (saves reading it back for the first attempt)."""
    config = config or directory.current()
    for _round in range(ROUNDS):
        current, known = known or store.load(interaction_id), None
        if current is None or current.status is not domain.Status.QUEUED:
            return current
        order = [a for a in ranked(current, config) if a not in exclude][:MAX_CLAIMS]
        moved = False
        for agent_id in order:
            try:
                after, work = service.offer_to(
                    current, agent_id, config, auto_answer=service.answers_automatically(config, agent_id)
                )
            except AgentDeskError:
                continue  # not Available, at capacity, on voice, paused: the read model was behind
            try:
                work.commit()
            except Cancelled as exc:
                if "interaction" in exc.failed() or "interaction" in exc.failed("TransactionConflict"):
                    moved = True
                    break
                continue  # the agent's state moved meanwhile: the next one
            return after
        if not moved:
            return current
    return store.load(interaction_id)


def ranked(interaction: domain.Interaction, config: Directory) -> list[str]:
    """The agents to ask, best first: the queue's, else the general queue's."""
    rules = service.rules_of(config, interaction.queue_id)
    general_id = config.general_queue_id
    general = store.candidates(general_id) if general_id and general_id != interaction.queue_id else None
    queue = store.candidates(interaction.queue_id)
    if general is not None and any(domain.eligible(c, rules.required_skill_id) for c in queue):
        general = None
    return domain.plan(queue, rules.required_skill_id, general, interaction.declined_by)


def serve_waiting(queue_ids: Iterable[str], config: Directory | None = None, limit: int = 20) -> int:
    """Route the oldest waiting interactions of these queues, oldest first; returns how many were placed.
    A queue whose oldest waiting interaction nobody could take is left for the next agent to free up (the
    ones behind it need the same skill)."""
    config = config or directory.current()
    waiting: list[tuple[str, str, str]] = []
    for queue_id in dict.fromkeys(queue_ids):
        waiting += [(queued_at, iid, queue_id) for queued_at, iid in store.waiting(queue_id, WAITING_PER_QUEUE)]
    placed = 0
    stuck: set[str] = set()
    for _queued_at, interaction_id, queue_id in sorted(waiting)[:limit]:
        if queue_id in stuck:
            continue
        after = route(interaction_id, config=config)
        if after is not None and after.status is domain.Status.QUEUED:
            stuck.add(queue_id)
            continue
        placed += 1
    return placed


# What can free an agent for more work: everything but taking a new interaction.
TAKES_WORK = frozenset({"startInteraction"})


def queues_served_by(config: Directory, agent_id: str) -> list[str]:
    """The queues whose waiting work an agent may take: theirs, and every queue when they are in the
    general queue (the fallback of every queue without a skilled agent)."""
    profile = config.profile(agent_id)
    mine = list(profile.queue_ids) if profile else []
    if config.general_queue_id and config.general_queue_id in mine:
        mine += [q for q in config.queues if q not in mine]
    return mine


# --- the router (events stream) --------------------------------------------------------------------------------


# Events after which an interaction may wait in a queue (a transfer may also have handed it to an agent).
REQUEUED = (ev.InteractionQueued, ev.InteractionOfferRejected, ev.InteractionOfferExpired, ev.InteractionTransferred)


def on_event(event: Event) -> dict[str, Any]:
    """What the router does with one event (each is safe to repeat)."""
    if isinstance(event, REQUEUED):
        if event.data.interaction.status != "queued":
            return {}
        after = route(event.data.interaction.interactionId)
        return {"routed": after is not None and after.status is not domain.Status.QUEUED}
    if isinstance(event, ev.InteractionOffered):
        offer = event.data.offer
        if offer.autoAnswer:
            return {}
        interaction_id = event.data.interaction.interactionId
        workflows.start(
            "offer-timeout",
            f"{interaction_id}-{offer.offerId}",
            {"interactionId": interaction_id, "offerId": offer.offerId, "waitSeconds": _seconds_until(offer.expiresAt)},
        )
        return {"timer": "offer"}
    if isinstance(event, ev.InteractionEnded):
        interaction = event.data.interaction
        if interaction.status != "wrap_up" or interaction.wrapUpDeadline is None:
            return {}
        workflows.start(
            "wrap-up",
            interaction.interactionId,
            {"interactionId": interaction.interactionId, "waitSeconds": _seconds_until(interaction.wrapUpDeadline)},
        )
        return {"timer": "wrap-up"}
    if (
        isinstance(event, AgentStateChanged)
        and event.data.routing.routable
        and event.data.change.command not in TAKES_WORK
    ):
        config = directory.current()
        return {"placed": serve_waiting(queues_served_by(config, event.agentId), config)}
    return {}


def _seconds_until(stamp: str) -> int:
    return max(0, int((datetime.fromisoformat(stamp) - clock.now()).total_seconds() + 0.999))


# --- the read model (routing-model function) ----------------------------------------------------------------------


def update_model(event: Event) -> int:
    """Keep the agents' rows of the read model from an agent's state change, or a changed user or queue."""
    if isinstance(event, AgentStateChanged):
        state = event.data.state
        config = directory.current()
        return _write_rows(
            config,
            event.agentId,
            state.status,
            state.pending is not None,
            state.activeInteractions,
            state.onVoice,
            event.data.routing.routable,
            event.occurredAt,
            state.version,
        )
    if isinstance(event, ConfigChanged) and event.data.kind.value in ("user", "queue", "settings"):
        config = directory.current()
        if event.data.kind.value == "user":
            agent_ids = [event.data.id]
        else:
            agent_ids = [p.agent_id for p in config.profiles.values() if p.queue_ids]
        return sum(refresh_agent(config, agent_id) for agent_id in agent_ids)
    return 0


def refresh_agent(config: Directory, agent_id: str) -> int:
    stored, _config = agent_service.read(agent_id)
    state = stored.state
    profile = config.profile(agent_id)
    capacity = profile.capacity if profile else 1
    routable = stored.exists and agent_domain.can_receive(state, capacity) if profile else False
    return _write_rows(
        config,
        agent_id,
        state.status.value,
        state.pending is not None,
        state.active_interactions,
        state.on_voice,
        routable,
        state.since,
        state.version,
    )


def _write_rows(
    config: Directory,
    agent_id: str,
    status: str,
    pending: bool,
    active: int,
    on_voice: bool,
    routable: bool,
    idle_since: str,
    version: int,
) -> int:
    profile = config.profile(agent_id)
    member = set(profile.queue_ids) if profile and profile.enabled else set()
    skills = dict(profile.skills) if profile else {}
    capacity = profile.capacity if profile else 1
    written = 0
    for queue_id in sorted(member):
        rules = config.queue(queue_id)
        candidate = domain.candidate_for(
            agent_id,
            routable=routable and status == "Available" and not pending,
            capacity=capacity,
            active_interactions=active,
            on_voice=on_voice,
            idle_since=idle_since,
            skills=skills,
            required_skill_id=rules.required_skill_id if rules else None,
        )
        written += store.save_candidate(queue_id, candidate, version)
    left = [q for q in config.queues if q not in member]
    gone = store.queues_of_candidate(agent_id, left)
    if gone:
        store.remove_candidate(gone, agent_id)
        logger.debug("agent left queues", extra={"agentId": agent_id, "queues": gone})
    return written
