"""A unit of work: the writes of one business change — one or several aggregates, their records and their
events — sent as one DynamoDB TransactWriteItems, so they are all written or none is.

Every operation carries a label. When DynamoDB cancels the transaction it gives one reason per operation,
in the order it received them; `Cancelled` maps them back to the labels, so the store that built the unit
can say in the product's words what failed (a stale version, a name taken, a reference deleted meanwhile).
Events go in with `event(...)`: the outbox item, written only if its id is new.

    work = UnitOfWork(connection)
    work.put("state", state_item, condition=AgentItem.version == 3)
    work.event(event)
    work.commit()  # raises Cancelled(reasons={"state": "ConditionalCheckFailed", ...})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from agentdesk.kernel.events import DomainEvent
from agentdesk.kernel.outbox import event_model, record_of

# DynamoDB's limit on the operations of one TransactWriteItems.
MAX_OPERATIONS = 100


class Cancelled(Exception):
    """DynamoDB cancelled the transaction; nothing was written. `reasons` maps each label to its code
    ("ConditionalCheckFailed", "TransactionConflict", ...; "None" for an operation that was not at fault)."""

    def __init__(self, reasons: Mapping[str, str], cause: TransactWriteError) -> None:
        super().__init__(", ".join(f"{label}: {code}" for label, code in reasons.items() if code != "None"))
        self.reasons = dict(reasons)
        self.cause = cause

    def failed(self, code: str = "ConditionalCheckFailed") -> list[str]:
        """The labels that failed with this code, in order."""
        return [label for label, reason in self.reasons.items() if reason == code]

    @property
    def only_conflicts(self) -> bool:
        """Cancelled only because other transactions were in flight on its items: sending it again is safe
        (a cancelled transaction wrote nothing, and every condition is evaluated afresh)."""
        codes = {code for code in self.reasons.values() if code != "None"}
        return codes == {"TransactionConflict"}


@dataclass
class _Check:
    label: str
    model: type[Model]
    hash_key: Any
    range_key: Any
    condition: Any


@dataclass
class _Write:
    label: str
    item: Model
    condition: Any = None
    actions: Sequence[Any] = ()


@dataclass
class UnitOfWork:
    """Labelled operations, sent together by `commit`."""

    connection: Connection
    checks: list[_Check] = field(default_factory=list)
    deletes: list[_Write] = field(default_factory=list)
    puts: list[_Write] = field(default_factory=list)
    updates: list[_Write] = field(default_factory=list)
    events: list[DomainEvent[Any]] = field(default_factory=list)  # the events it writes, in order

    def check(self, label: str, model: type[Model], hash_key: Any, range_key: Any = None, *, condition: Any) -> None:
        """A condition on an item the unit does not write (say, that a referenced item still exists)."""
        self.checks.append(_Check(label, model, hash_key, range_key, condition))

    def put(self, label: str, item: Model, condition: Any = None) -> None:
        self.puts.append(_Write(label, item, condition))

    def delete(self, label: str, item: Model, condition: Any = None) -> None:
        self.deletes.append(_Write(label, item, condition))

    def update(self, label: str, item: Model, actions: Sequence[Any], condition: Any = None) -> None:
        self.updates.append(_Write(label, item, condition, actions))

    def event(self, event: DomainEvent[Any], label: str = "event") -> None:
        """The event, in the outbox, in the same transaction (never written twice: its id must be new)."""
        self.events.append(event)
        self.put(label, record_of(event), event_model().event_id.does_not_exist())

    def labels(self) -> list[str]:
        """The labels in the order the operations are sent (pynamodb sends condition checks, then deletes,
        then puts, then updates); DynamoDB's cancellation reasons follow that order."""
        return [op.label for op in (*self.checks, *self.deletes, *self.puts, *self.updates)]

    def __len__(self) -> int:
        return len(self.checks) + len(self.deletes) + len(self.puts) + len(self.updates)

    def commit(self) -> None:
        """Send every operation as one transaction; `Cancelled` when DynamoDB refuses it."""
        if len(self) > MAX_OPERATIONS:
            raise ValueError(f"A transaction holds at most {MAX_OPERATIONS} operations, not {len(self)}.")
        try:
            with TransactWrite(connection=self.connection) as transaction:
                for check in self.checks:
                    transaction.condition_check(check.model, check.hash_key, check.range_key, condition=check.condition)
                for op in self.deletes:
                    transaction.delete(op.item, condition=op.condition)
                for op in self.puts:
                    transaction.save(op.item, condition=op.condition)
                for op in self.updates:
                    transaction.update(op.item, actions=list(op.actions), condition=op.condition)
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            codes = [str(getattr(reason, "code", None) or "None") for reason in exc.cancellation_reasons or []]
            raise Cancelled(dict(zip(self.labels(), codes, strict=False)), exc) from exc
