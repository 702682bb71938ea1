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

# The one definition of the codes a new installation starts with: `config.defaults.install_defaults()`
# creates them and the tables in docs/agent-state.md and docs/config-api.md are generated from them.
# Ids are the slugs installations already hold. Seeds are silent on Training/Meeting: productive, as
# planned work time the centre pays for; Break, Lunch and Technical Issue are not (no work is done).
DEFAULT_PAUSE_CODES: Mapping[str, PauseCode] = _codes(
    PauseCode("break", "Break", Status.AWAY, productive=False),
    PauseCode("lunch", "Lunch", Status.AWAY, productive=False),
    PauseCode("training", "Training", Status.AWAY, productive=True),
    PauseCode("meeting", "Meeting", Status.AWAY, productive=True),
    PauseCode("technical-issue", "Technical Issue", Status.AWAY, productive=False),
    PauseCode("outbound-call", "Outbound call", Status.BUSY, productive=True),
    *SYSTEM_PAUSE_CODES.values(),
)

_CHOSEN_BY = {
    WRAP_UP: "system only: entered when an interaction ends",
    DISCONNECTED: "system only: the agent's last connection is gone",
}


def pause_codes_markdown(codes: Mapping[str, PauseCode] = DEFAULT_PAUSE_CODES) -> str:
    """The default pause codes as the Markdown table the docs show (scripts/gen_docs.py writes it)."""
    lines = ["| Code (id) | Status | Productive | Chosen by |", "|---|---|---|---|"]
    for code in codes.values():
        chosen_by = _CHOSEN_BY.get(code.id, "system only") if code.system else "agent"
        productive = "yes" if code.productive else "no"
        lines.append(f"| {code.label} (`{code.id}`) | {code.status.value} | {productive} | {chosen_by} |")
    return "\n".join(lines) + "\n"
