"""Pause codes and the reason an agent's status carries: the system's own codes (Wrap-up, Disconnected) and
the rules for which code goes with which status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from agentdesk.agents.domain.rules import DISCONNECTED, PAUSE_STATUSES, WRAP_UP, Status

# --- pause codes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """The pause code an agent's status carries: a snapshot of the code when it was chosen."""

    code: str
    label: str
    productive: bool

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "productive": self.productive}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        return cls(code=str(data["code"]), label=str(data["label"]), productive=bool(data["productive"]))


@dataclass(frozen=True)
class PauseCode:
    """An aux/pause code as configured: it puts the agent Away or Busy, and is productive or not."""

    id: str
    label: str
    status: Status
    productive: bool
    enabled: bool = True
    system: bool = False

    def __post_init__(self) -> None:
        if self.status not in PAUSE_STATUSES:
            raise ValueError(f"Pause code {self.id!r} must map to Away or Busy, not {self.status}.")

    @property
    def reason(self) -> Reason:
        return Reason(self.id, self.label, self.productive)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status.value,
            "productive": self.productive,
            "enabled": self.enabled,
            "system": self.system,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PauseCode:
        return cls(
            id=str(data["id"]),
            label=str(data["label"]),
            status=Status(str(data["status"])),
            productive=bool(data["productive"]),
            enabled=bool(data.get("enabled", True)),
            system=bool(data.get("system", False)),
        )


def _codes(*codes: PauseCode) -> Mapping[str, PauseCode]:
    return MappingProxyType({code.id: code for code in codes})


# The system's own reasons; a configured code with the same id (e.g. a relabelled Wrap-up) takes precedence.
SYSTEM_PAUSE_CODES: Mapping[str, PauseCode] = _codes(
    PauseCode(WRAP_UP, "Wrap-up", Status.BUSY, productive=True, system=True),
    PauseCode(DISCONNECTED, "Disconnected", Status.AWAY, productive=False, system=True),
)

DEFAULT_PAUSE_CODES: Mapping[str, PauseCode] = _codes(
    PauseCode("Break", "Break", Status.AWAY, productive=False),
    PauseCode("Lunch", "Lunch", Status.AWAY, productive=False),
    PauseCode("Training", "Training", Status.AWAY, productive=False),
    PauseCode("Meeting", "Meeting", Status.AWAY, productive=False),
    PauseCode("Technical Issue", "Technical Issue", Status.AWAY, productive=False),
    *SYSTEM_PAUSE_CODES.values(),
)
