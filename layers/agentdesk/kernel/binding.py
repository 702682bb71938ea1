"""Binds pynamodb models to their table names from settings on first use (never at import time)."""

from __future__ import annotations

from typing import TypeVar

from pynamodb.models import Model

from agentdesk.kernel.aws import endpoint
from agentdesk.kernel.settings import get_settings

M = TypeVar("M", bound=type[Model])


def bind(model: M, setting: str) -> M:
    """Point the model at the table named by the given settings attribute and the configured region."""
    settings = get_settings()
    table = settings.require(setting)
    meta = model.Meta  # type: ignore[attr-defined]
    target = (table, settings.region, endpoint())
    if getattr(meta, "bound_to", None) != target:
        meta.table_name = table
        meta.region = settings.region
        meta.host = endpoint()  # pynamodb's own endpoint setting; None in an AWS account
        meta.bound_to = target
        model._connection = None  # type: ignore[attr-defined]  # rebuild the connection for the new target
    return model
