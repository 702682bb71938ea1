"""Routing: offering queued interactions to agents, and the read model it ranks agents from.

`route` ranks the agents (domain/routing.py) from the routing read model and claims the best one that may
take it: one transaction holds the interaction (still queued, at the version read), the agent's state (at
its version: the agents context refuses an agent paused, offline, at capacity or on voice) and both events.
A cancelled claim says which part moved: the agent (ask the next one) or the interaction (someone else
routed it: read it again). A claim that holds is pushed to the agent at once (and an auto-answered one to
its customer); the publisher pushes the same events again from the stream, which clients drop.

It runs synchronously where an interaction is queued (a new chat, a rejected offer) and again from the
event stream (`on_event`, the router function): a new or re-queued interaction, and the oldest waiting
interactions when an agent frees up. The router also starts the offer and wrap-up timers. `update_model`
keeps the read model (the routing-model function).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
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
from agentdesk.realtime import service as realtime

MAX_CLAIMS = 50  # agents asked per routing attempt (a refusal costs one read) before it waits for the next chance
ROUNDS = 4  # re-reads of an interaction someone else changed meanwhile
WAITING_PER_QUEUE = 10  # oldest waiting interactions looked at per queue when an agent frees up


@dataclass
class Plan:
    """The candidates of each partition, read once for several routing decisions (a backlog served when
    agents free up) and kept in step with the claims made meanwhile: an agent who took one has a slot less,
    one who was refused is not asked again. A fresh plan per interaction when routing one at a time.

    `known`: rows the caller knows to be newer than the read model's (the agent whose state change the router
    is serving: the routing-model consumer may not have written it yet); they replace the index's."""

    known: list[domain.Row] = field(default_factory=list)
    # partition -> (the limit it was read with, the rows left, whether the index may hold more than were read)
    lists: dict[str, tuple[int, list[domain.Candidate], bool]] = field(default_factory=dict)
    auto_answer: dict[str, bool] = field(default_factory=dict)
    _spent: dict[str, int] = field(default_factory=dict)  # slots taken by this plan, per agent
    _refused: set[str] = field(default_factory=set)

    def candidates(self, key: str, limit: int) -> list[domain.Candidate]:
        read = self.lists.get(key)
        # Read again when more are needed, or the rows read are used up, and the index may hold more.
        if read is None or (read[2] and (read[0] < limit or not read[1])):
            rows = store.ranked(key, limit)
            read = (limit, self._adjusted(key, rows), len(rows) >= limit)
            self.lists[key] = read
        return read[1]

    def _adjusted(self, key: str, rows: list[domain.Candidate]) -> list[domain.Candidate]:
        """The rows read, with the known rows in place of the index's and this plan's claims taken off."""
        known = {row.candidate.agent_id: row for row in self.known if row.partition == key}
        merged = [c for c in rows if c.agent_id not in known]
        merged += [row.candidate for row in known.values() if row.rank is not None]
        adjusted = [replace(c, free_slots=c.free_slots - self._spent.get(c.agent_id, 0)) for c in merged]
        return [c for c in adjusted if c.free_slots > 0 and c.agent_id not in self._refused]

    def answers_automatically(self, config: Directory, agent_id: str) -> bool:
        if agent_id not in self.auto_answer:
            self.auto_answer[agent_id] = service.answers_automatically(config, agent_id)
        return self.auto_answer[agent_id]

    def took(self, agent_id: str) -> None:
        self._spent[agent_id] = self._spent.get(agent_id, 0) + 1
        for key, (limit, rows, more) in self.lists.items():
            kept = [replace(c, free_slots=c.free_slots - 1) if c.agent_id == agent_id else c for c in rows]
            self.lists[key] = (limit, [c for c in kept if c.free_slots > 0], more)

    def refused(self, agent_id: str) -> None:
        self._refused.add(agent_id)
        for key, (limit, rows, more) in self.lists.items():
            self.lists[key] = (limit, [c for c in rows if c.agent_id != agent_id], more)


def route(
    interaction_id: str,
    *,
    exclude: Sequence[str] = (),
    config: Directory | None = None,
    known: domain.Interaction | None = None,
    plan: Plan | None = None,
) -> domain.Interaction | None:
    """Offer the interaction to the best agent who may take it now; it stays queued when nobody may.
    `known`: the interaction as its caller has it (saves reading it for the first attempt; a stale one costs
    a cancelled claim and a read). `plan`: candidates shared with other decisions of the same caller."""
    config = config or directory.current()
    plan = plan or Plan()
    for _round in range(ROUNDS):
        current, known = known or store.load(interaction_id), None
        if current is None or current.status is not domain.Status.QUEUED:
            return current
        order = [a for a in ranked(current, config, plan) if a not in exclude][:MAX_CLAIMS]
        after, moved = _claim(current, order, config, plan)
        if after is not None:
            return after
        if not moved:
            return current
    return store.load(interaction_id)


def open_and_route(opening: service.Change, config: Directory | None = None) -> domain.Interaction:
    """A new interaction: written with its first offer in one transaction when an agent may take it now (so
    it is never seen waiting while an agent is free, and costs one write), else written queued."""
    config = config or directory.current()
    interaction, plan = opening.after, Plan()
    after, _moved = _claim(interaction, ranked(interaction, config, plan)[:MAX_CLAIMS], config, plan, opening)
    if after is not None:
        return after
    service.commit(None, opening)
    return interaction


def _claim(
    interaction: domain.Interaction,
    order: Sequence[str],
    config: Directory,
    plan: Plan,
    opening: service.Change | None = None,
) -> tuple[domain.Interaction | None, bool]:
    """Offer the interaction to the first of these agents whose claim holds, and push the offer to them at
    once; (the interaction offered, False), or (None, whether someone else changed the interaction meanwhile:
    read it again) when none holds. `opening`: the interaction is new and written with the claim."""
    for agent_id in order:
        auto_answer = plan.answers_automatically(config, agent_id)
        try:
            after, work = service.offer_to(interaction, agent_id, config, auto_answer=auto_answer, opening=opening)
        except AgentDeskError:
            plan.refused(agent_id)
            continue  # not Available, at capacity, on voice, paused: the read model was behind
        try:
            work.commit()
        except Cancelled as exc:
            if "interaction" in exc.failed() or "interaction" in exc.failed("TransactionConflict"):
                return None, True
            plan.refused(agent_id)
            continue  # the agent's state moved meanwhile: the next one
        plan.took(agent_id)
        # The agent hears of the offer now, not when the stream brings it (their state change can wait).
        realtime.announce([e for e in work.events if isinstance(e, ev.InteractionOffered | ev.InteractionAssigned)])
        return after, False
    return None, False


def ranked(interaction: domain.Interaction, config: Directory, plan: Plan | None = None) -> list[str]:
    """The agents to ask, best first: the first few of the interaction's partition of the ranked index (its
    skill's, else its queue's); when nobody there may take it, the general queue's (no skill asked)."""
    plan = plan or Plan()
    key, skill_id = _partition_of(interaction, config)
    declined = interaction.declined_by
    limit = MAX_CLAIMS + len(declined)
    order = domain.rank(plan.candidates(key, limit), skill_id, declined)
    general_id = config.general_queue_id
    if order or not general_id or general_id == interaction.queue_id:
        return order
    return domain.rank(plan.candidates(domain.partition(general_id), limit), None, declined)


def _partition_of(interaction: domain.Interaction, config: Directory) -> tuple[str, str | None]:
    rules = service.rules_of(config, interaction.queue_id)
    return domain.partition_for(interaction.queue_id, rules.required_skill_id, interaction.skill_id)


def serve_waiting(
    queue_ids: Iterable[str], config: Directory | None = None, limit: int = 20, known: Sequence[domain.Row] = ()
) -> int:
    """Route the oldest waiting interactions of these queues, oldest first, from one plan; returns how many
    were placed. Once nobody could take one, the ones behind it that need the same agents (same partition)
    are left for the next agent to free up."""
    config = config or directory.current()
    waiting: list[domain.Interaction] = []
    for queue_id in dict.fromkeys(queue_ids):
        waiting += store.waiting_interactions(queue_id, WAITING_PER_QUEUE)
    placed = 0
    stuck: set[str] = set()
    plan = Plan(known=list(known))
    for interaction in sorted(waiting, key=lambda i: (i.times.queued_at, i.interaction_id))[:limit]:
        key = _partition_of(interaction, config)[0]
        if key in stuck:
            continue
        after = route(interaction.interaction_id, config=config, known=interaction, plan=plan)
        if after is not None and after.status is domain.Status.QUEUED:
            stuck.add(key)
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
        rows = rows_of_change(config, event)
        return {"placed": serve_waiting(queues_served_by(config, event.agentId), config, known=rows)}
    if isinstance(event, ConfigChanged) and event.data.kind.value == "user" and event.data.change != "deleted":
        # A raised capacity or a new queue or skill may let the agent take waiting work now.
        config = directory.current()
        rows, _version = agent_rows(config, event.data.id)
        if not any(row.rank is not None for row in rows):
            return {}
        return {"placed": serve_waiting(queues_served_by(config, event.data.id), config, known=rows)}
    return {}


def _seconds_until(stamp: str) -> int:
    return max(0, int((datetime.fromisoformat(stamp) - clock.now()).total_seconds() + 0.999))


# --- the read model (routing-model function) ----------------------------------------------------------------------


def update_model(event: Event) -> int:
    """Keep the agents' rows of the read model from an agent's state change, or a changed user or queue."""
    if isinstance(event, AgentStateChanged):
        return store.save_rows(rows_of_change(directory.current(), event), event.data.state.version)
    if isinstance(event, ConfigChanged) and event.data.kind.value in ("user", "queue", "settings"):
        config = directory.current()
        if event.data.kind.value == "user":
            agent_ids = [event.data.id]
        else:
            agent_ids = [p.agent_id for p in config.profiles.values() if p.queue_ids]
        return sum(refresh_agent(config, agent_id) for agent_id in agent_ids)
    return 0


def agent_rows(config: Directory, agent_id: str) -> tuple[list[domain.Row], int]:
    """The agent's rows from their stored state and the directory's profile, and that state's version."""
    stored, _config = agent_service.read(agent_id)
    state = stored.state
    profile = config.profile(agent_id)
    capacity = profile.capacity if profile else 1
    routable = stored.exists and agent_domain.can_receive(state, capacity) if profile else False
    rows = _rows(
        config,
        agent_id,
        state.status.value,
        state.pending is not None,
        state.active_interactions,
        state.on_voice,
        routable,
        state.since,
    )
    return rows, state.version


def refresh_agent(config: Directory, agent_id: str) -> int:
    """Write the agent's rows from their stored state and profile, and remove the rows of the queues and
    skills they no longer have (a changed, disabled or deleted user; a changed queue)."""
    rows, version = agent_rows(config, agent_id)
    wanted = {row.partition for row in rows}
    gone = [key for key in store.partitions_of(agent_id) if key not in wanted]
    if gone:
        store.remove_rows(agent_id, gone)
        logger.debug("agent left partitions", extra={"agentId": agent_id, "partitions": gone})
    return store.save_rows(rows, version)


def rows_of_change(config: Directory, event: AgentStateChanged) -> list[domain.Row]:
    """The agent's rows as their state change leaves them (its time is when they became idle, if they are)."""
    state = event.data.state
    return _rows(
        config,
        event.agentId,
        state.status,
        state.pending is not None,
        state.activeInteractions,
        state.onVoice,
        event.data.routing.routable,
        event.occurredAt,
    )


def _rows(
    config: Directory,
    agent_id: str,
    status: str,
    pending: bool,
    active: int,
    on_voice: bool,
    routable: bool,
    idle_since: str,
) -> list[domain.Row]:
    """The agent's rows as the directory has them now: a disabled user, or one with no queue, has none."""
    profile = config.profile(agent_id)
    if profile is None or not profile.enabled:
        return []
    queues: dict[str, str | None] = {}
    for queue_id in profile.queue_ids:
        rules = config.queue(queue_id)
        if rules is not None:
            queues[queue_id] = rules.required_skill_id
    return domain.rows_for(
        agent_id,
        routable=routable and status == "Available" and not pending,
        capacity=profile.capacity,
        active_interactions=active,
        on_voice=on_voice,
        idle_since=idle_since,
        skills=dict(profile.skills),
        queues=queues,
    )
