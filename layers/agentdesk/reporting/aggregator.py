"""The aggregator: a batch of Kinesis records → each event's contributions added once to the day's metrics.

The whole batch is read first and written in as few transactions as fit (store.add_once); then Powertools'
BatchProcessor reports, per record, what failed, so Lambda delivers again from the first failed record only.
A record that is no known event (bad JSON, an unknown type, a field out of contract) is a dead letter: logged,
kept in the reporting table, and acknowledged — it stops nothing.

Once the batch is counted, each agent's newest state is kept (the open interval of the live metrics; a record
whose state could not be kept is delivered again) and `metrics.today` is pushed for each agent and queue the
batch changed (live.py: coalesced, throttled, the last change always pushed).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import ValidationError

from agentdesk.config import directory
from agentdesk.events import Event, parse_event
from agentdesk.kernel.observability import logger
from agentdesk.reporting import live, store
from agentdesk.reporting.domain.interaction_metrics import DEFAULT_SLA_SECONDS, Facts
from agentdesk.reporting.domain.metrics import ZoneOf, contributions

DEFAULT_ZONE = "UTC"  # when the settings cannot be read


def batch_zones() -> ZoneOf:
    """Site → time zone, read from the directory at most once per batch (and only if an event needs it)."""
    sites = cache(directory.site_time_zones)
    default = cache(directory.default_time_zone)

    def zone_of(site_id: str | None) -> str:
        if site_id:
            zone = sites().get(site_id)
            if zone:
                return zone
        return default() or DEFAULT_ZONE

    return zone_of


def batch_facts() -> Facts:
    """Agents' sites and queues' SLA thresholds, from the directory read at most once per batch."""
    current = cache(directory.current)

    def site_of(agent_id: str) -> str | None:
        profile = current().profiles.get(agent_id)
        return profile.site_id if profile else None

    def sla_seconds(queue_id: str) -> int:
        rules = current().queues.get(queue_id)
        return rules.sla_target_seconds if rules else DEFAULT_SLA_SECONDS

    return Facts(site_of=site_of, sla_seconds=sla_seconds)


@dataclass
class BatchOutcome:
    failed: set[str] = field(default_factory=set)  # Kinesis sequence numbers to deliver again
    counted: int = 0
    duplicates: int = 0
    ignored: int = 0  # known events that add nothing (heartbeats, config changes)
    dead: int = 0


def _describe(error: Exception) -> str:
    if isinstance(error, ValidationError):
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
        return "not a known event: " + "; ".join(problems)
    return f"not a known event: {error}"


def aggregate(records: list[dict[str, Any]], zone_of: ZoneOf | None = None, facts: Facts | None = None) -> BatchOutcome:
    """Count the events of a batch of Kinesis records (Lambda's shape) once each, then keep the agents' open
    states and push the live metrics the batch changed."""
    zones = zone_of or batch_zones()
    known = facts or batch_facts()
    outcome = BatchOutcome()
    counted: list[store.Counted] = []
    sequence_of: dict[str, str] = {}
    parsed: list[tuple[Event, str]] = []
    for record in records:
        kinesis = record["kinesis"]
        sequence = str(kinesis["sequenceNumber"])
        raw = base64.b64decode(kinesis["data"])
        try:
            event = parse_event(raw)
        except (ValidationError, ValueError) as error:
            reason = _describe(error)
            logger.warning(
                "dead letter", extra={"reason": reason, "sequence": sequence, "partitionKey": kinesis["partitionKey"]}
            )
            try:
                store.dead_letter(
                    reason=reason,
                    data=raw.decode("utf-8", errors="replace"),
                    partition_key=str(kinesis["partitionKey"]),
                    sequence=str(record.get("eventID") or sequence),
                    source=str(record.get("eventSourceARN", "")),
                )
                outcome.dead += 1
            except Exception:
                logger.exception("could not keep a dead letter", extra={"sequence": sequence})
                outcome.failed.add(sequence)
            continue
        parsed.append((event, sequence))
        added = contributions(event, zones, known)
        if not added:
            outcome.ignored += 1
            continue
        counted.append(store.Counted(event.eventId, added))
        sequence_of[event.eventId] = sequence
    try:
        duplicates = store.add_once(counted)
    except store.NotCounted as error:
        logger.exception("events not counted; they will be delivered again", extra={"events": len(error.event_ids)})
        outcome.failed |= {sequence_of[event_id] for event_id in error.event_ids}
        duplicates = set()
        counted = [c for c in counted if c.event_id not in set(error.event_ids)]
    outcome.duplicates = len(counted) - len({c.event_id for c in counted} - duplicates)
    outcome.counted = len(counted) - outcome.duplicates
    _go_live([(e, s) for e, s in parsed if s not in outcome.failed], outcome)
    return outcome


def _go_live(settled: list[tuple[Event, str]], outcome: BatchOutcome) -> None:
    """After the batch is counted: keep the open states (or deliver their records again), then push."""
    events = [event for event, _sequence in settled]
    try:
        live.keep_open_states(events)
    except Exception:
        logger.exception("open states not kept; their records will be delivered again")
        outcome.failed |= {s for e, s in settled if e.type == "agent.state.changed"}
        events = [e for e in events if e.type != "agent.state.changed"]
    try:
        live.push_changes(events)
    except Exception:
        logger.exception("metrics.today not pushed")


def record_handler(outcome: BatchOutcome) -> Callable[[Any], None]:
    """What Powertools' BatchProcessor calls per record: fail the records the batch could not count."""

    def handle(record: Any) -> None:
        if record.kinesis.sequence_number in outcome.failed:
            raise RuntimeError(f"record {record.kinesis.sequence_number} not counted")

    return handle
