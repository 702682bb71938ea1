"""The wallboard row is the seed's agent list: each agent's state, max capacity and skills with their
proficiency, and the status every view shows — Busy when Available at capacity."""

from __future__ import annotations

from typing import Any

import pytest

from agentdesk.agents import domain
from agentdesk.agents import service as agent_state
from agentdesk.config import directory
from agentdesk.kernel import clock
from agentdesk.kernel.events import SYSTEM
from tests.integration.centre import Centre, demo_centre
from tests.integration.conftest import AwsStack
from tests.integration.test_access import change_user


@pytest.fixture
def centre(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Centre:
    return demo_centre(aws, monkeypatch)


def row(centre: Centre, supervisor: str, agent: str) -> dict[str, Any]:
    rows = centre.ack(supervisor, "listAgentStates")["agents"]
    return next(r for r in rows if r["agentId"] == centre.ids[agent])


def start_interaction(agent_id: str, interaction_id: str) -> domain.AgentState:
    capacity = directory.current().profile(agent_id).capacity  # type: ignore[union-attr]
    return agent_state.apply(
        agent_id,
        lambda state, _config: domain.start_interaction(
            state, interaction_id, pause_codes=_config.pause_codes, now=clock.now(), capacity=capacity
        ),
        SYSTEM,
    )


def test_each_row_carries_capacity_and_skills_with_names_and_proficiency(centre: Centre) -> None:
    ana = row(centre, "sam", "ana")
    assert ana["capacity"] == 5  # the default maxConcurrent
    assert ana["skills"] == [
        {"skillId": "skill-billing", "name": "Billing", "proficiency": 5},
        {"skillId": "skill-technical", "name": "Technical Support", "proficiency": 3},
    ]
    assert ana["displayedStatus"] == ana["status"] == "Offline"


def test_an_available_agent_at_capacity_shows_busy_on_the_wallboard_and_to_themselves(centre: Centre) -> None:
    change_user(centre, "ana", maxConcurrent=2)
    centre.ack("ana", "login")
    start_interaction(centre.ids["ana"], "int-1")
    below = row(centre, "sam", "ana")
    assert (below["status"], below["displayedStatus"], below["activeInteractions"]) == ("Available", "Available", 1)

    start_interaction(centre.ids["ana"], "int-2")
    full = row(centre, "sam", "ana")
    assert (full["status"], full["displayedStatus"], full["capacity"]) == ("Available", "Busy", 2)
    assert full["onVoice"] is False

    own = centre.ack("ana", "getState")
    assert own["capacity"] == 2 and own["state"]["activeInteractions"] == 2
    assert centre.ack("ana", "setStatus", status="Busy", reason="outbound-call")["capacity"] is None
