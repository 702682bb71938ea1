"""The transition table in docs/agent-state.md against the wire: every cell of a command an agent or a
supervisor sends (login, setStatus, logoff; forceStatus and forceLogoff follow the same rows) answers what
the table documents — the documented error code, or an ack. The table itself is generated from the domain's
rules, so this keeps the domain, the docs and the request models in agreement."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.centre import Centre, demo_centre
from tests.integration.conftest import AwsStack

DOC = Path(__file__).resolve().parents[2] / "docs" / "agent-state.md"
COLUMNS = ("Offline", "Available", "Busy", "Away")
# How the agent reaches each column's status over the wire (default pause codes).
LOGIN_INTO = {"Available": {}, "Away": {"reason": "break"}, "Busy": {"reason": "outbound-call"}}
# The wire requests of each documented row: (user, action, fields); "sam" supervises Ana.
REQUESTS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "login": [("ana", "login", {})],
    "setStatus:Available": [
        ("ana", "setStatus", {"status": "Available"}),
        ("sam", "forceStatus", {"status": "Available"}),
    ],
    "setStatus:Away": [
        ("ana", "setStatus", {"status": "Away", "reason": "lunch"}),
        ("sam", "forceStatus", {"status": "Away", "reason": "lunch"}),
    ],
    "setStatus:Busy": [
        ("ana", "setStatus", {"status": "Busy", "reason": "outbound-call"}),
        ("sam", "forceStatus", {"status": "Busy", "reason": "outbound-call"}),
    ],
    "setStatus:Offline": [("ana", "setStatus", {"status": "Offline"}), ("sam", "forceStatus", {"status": "Offline"})],
    "logoff": [("ana", "logoff", {}), ("sam", "forceLogoff", {})],
}


def documented() -> dict[tuple[str, str], str | None]:
    """(command, current status) -> the documented error code, or None for a change."""
    text = DOC.read_text(encoding="utf-8")
    table = re.search(r"<!-- transition-table:start -->\n(.*?)<!-- transition-table:end -->", text, re.S)
    assert table, "docs/agent-state.md lost its transition-table markers"
    cells: dict[tuple[str, str], str | None] = {}
    for line in table.group(1).splitlines()[2:]:
        command, *row = [cell.strip() for cell in line.strip("|").split("|")]
        for status, cell in zip(COLUMNS, row, strict=True):
            refused = re.match(r"refused: `([A-Z_]+)`", cell)
            cells[(command.strip("`"), status)] = refused.group(1) if refused else None
    return cells


@pytest.fixture
def centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    return demo_centre(aws, monkeypatch)


def put_ana_in(centre: Centre, status: str) -> None:
    state = centre.ack("ana", "getState")["state"]
    if state["status"] != "Offline":
        centre.ack("ana", "logoff")
    if status != "Offline":
        assert centre.ack("ana", "login", **LOGIN_INTO[status])["state"]["status"] == status


def test_every_documented_cell_is_what_the_wire_answers(centre: Centre) -> None:
    cells = documented()
    assert set(REQUESTS) <= {command for command, _ in cells}
    answered: dict[tuple[str, str, str], str | None] = {}
    wanted: dict[tuple[str, str, str], str | None] = {}
    for command, requests in REQUESTS.items():
        for status in COLUMNS:
            for user, action, fields in requests:
                put_ana_in(centre, status)
                target = {"agentId": centre.ids["ana"]} if user == "sam" else {}
                reply = centre.send(user, action, **fields, **target)
                key = (command, status, action)
                answered[key] = reply["code"] if reply["type"] == "error" else None
                wanted[key] = cells[(command, status)]
    assert answered == wanted
