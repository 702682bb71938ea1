"""Counting the AWS calls a piece of code makes: botocore's `BaseClient._make_api_call` wrapped (as
bench/agent_state.py does), in the calling thread only."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.client
import pytest


@dataclass
class Call:
    operation: str  # service:Operation
    tables: tuple[str, ...]
    params: dict[str, Any]


def _tables(params: dict[str, Any]) -> tuple[str, ...]:
    if "TableName" in params:
        return (params["TableName"],)
    if "RequestItems" in params:
        return tuple(sorted(params["RequestItems"]))
    if "TransactItems" in params:
        return tuple(sorted({op["TableName"] for item in params["TransactItems"] for op in item.values()}))
    return ()


@dataclass
class Calls:
    made: list[Call] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(call.operation for call in self.made)

    def on(self, table: str) -> list[Call]:
        return [call for call in self.made if table in call.tables]

    def take(self) -> Counter[str]:
        counts = self.counts()
        self.made.clear()
        return counts


@contextmanager
def counted(fault: Callable[[str, dict[str, Any]], None] | None = None) -> Iterator[Calls]:
    """Record every botocore call made in this thread; `fault(operation, params)` may raise instead."""
    calls = Calls()
    original = botocore.client.BaseClient._make_api_call
    me = threading.get_ident()

    def wrapper(client: Any, operation: str, params: Any) -> Any:
        if threading.get_ident() == me:
            name = f"{client.meta.service_model.service_name}:{operation}"
            calls.made.append(Call(name, _tables(params), params))
            if fault is not None:
                fault(name, params)
        return original(client, operation, params)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.client.BaseClient, "_make_api_call", wrapper)
        yield calls
