"""The defaults a new installation starts with, the demo setup of the local stack, and the typed readers
the rest of the product uses (pause codes, teams and who supervises whom, sites and time zones, profiles).
"""

from __future__ import annotations

from agentdesk.config import store
from agentdesk.config.defaults import DEFAULT_PAUSE_CODES, DemoUser, install_defaults, seed_demo
from agentdesk.config.domain.rules import Kind
from agentdesk.kernel.events import SYSTEM
from agentdesk.kernel.identity import Role
from tests.integration.conftest import AwsStack, HttpClient


def demo_users(aws: AwsStack) -> list[DemoUser]:
    people = [
        ("alice", "Alice Admin", Role.ADMIN, "admins"),
        ("sam", "Sam Supervisor", Role.SUPERVISOR, "supervisors"),
        ("sue", "Sue Supervisor", Role.SUPERVISOR, "supervisors"),
        ("bob", "Bob Agent", Role.AGENT, "agents"),
        ("carla", "Carla Agent", Role.AGENT, "agents"),
        ("dan", "Dan Agent", Role.AGENT, "agents"),
        ("eve", "Eve Agent", Role.AGENT, "agents"),
    ]
    return [
        DemoUser(aws.create_user(username, group, name=name), username, name, f"{username}@example.com", role)
        for username, name, role, group in people
    ]


def test_default_pause_codes(aws: AwsStack) -> None:
    assert sorted(install_defaults()) == sorted(DEFAULT_PAUSE_CODES)
    assert install_defaults() == []  # idempotent
    codes = {code.label: code for code in store.pause_codes()}
    assert set(codes) == {code.label for code in DEFAULT_PAUSE_CODES.values()}
    assert {label for label, code in codes.items() if code.status == "Busy"} == {"Outbound call", "Wrap-up"}
    assert {label for label, code in codes.items() if code.productive} == {
        "Training",
        "Meeting",
        "Outbound call",
        "Wrap-up",
    }
    assert {label for label, code in codes.items() if code.system} == {"Wrap-up", "Disconnected"}
    wrap_up = store.pause_code("wrap-up")
    assert wrap_up is not None and wrap_up.enabled


def test_an_upgrade_adds_only_the_missing_default_and_duplicates_nothing(aws: AwsStack) -> None:
    install_defaults()
    previous = store.get(Kind.PAUSE_CODE, "outbound-call")
    assert previous is not None
    store.delete(previous, SYSTEM)  # as an installation from before the Busy default
    assert install_defaults() == ["outbound-call"]
    ids = [code.id for code in store.pause_codes()]
    assert sorted(ids) == sorted(DEFAULT_PAUSE_CODES) and len(ids) == len(set(ids))


def test_an_admins_own_pause_code_named_like_a_default_is_kept(aws: AwsStack, http_client: HttpClient) -> None:
    http_client.create("/api/pause-codes", {"label": "lunch", "status": "Away", "productive": True})
    created = install_defaults()
    assert "lunch" not in created and "break" in created
    assert [c.productive for c in store.pause_codes() if c.label == "lunch"] == [True]


def test_seed_demo_builds_a_contact_centre_around_the_demo_users(aws: AwsStack) -> None:
    users = demo_users(aws)
    setup = seed_demo(users)
    assert setup.integration_key is not None and setup.integration_key.startswith("adk_")
    assert store.integration_for_key(setup.integration_key) is not None
    assert {s.timeZone for s in store.sites()} == {"Europe/London", "America/New_York", "Europe/Madrid"}
    assert {q.name for q in store.queues()} == {"General", "Billing", "Technical Support", "Sales", "Spanish"}
    settings = store.workspace_settings()
    assert settings.generalQueueId == "queue-general" and settings.version == 1
    assert all("{{contact." in m.body for m in store.canned_messages())

    profiles = {p.username: p for p in store.agent_profiles()}
    assert set(profiles) == {u.username for u in users}
    assert all(profiles[u.username].id == u.user_id and profiles[u.username].role is u.role for u in users)
    agents = [p for p in profiles.values() if p.role is Role.AGENT]
    assert all(a.teamId and a.siteId and a.skills for a in agents)
    for a in agents:  # assigned to the general queue and the queue of each of their skills
        required = {q.requiredSkillId: q.id for q in store.queues()}
        assert a.queueIds[0] == "queue-general"
        assert set(a.queueIds[1:]) == {required[level.skillId] for level in a.skills}
    assert {a.teamId for a in agents} == {"team-care", "team-sales"}

    sam, sue = profiles["sam"].id, profiles["sue"].id
    assert [t.id for t in store.teams_supervised_by(sam)] == ["team-care"]
    assert [t.id for t in store.teams_supervised_by(sue)] == ["team-sales"]
    care = {a.id for a in agents if a.teamId == "team-care"}
    assert store.supervised_agent_ids(sam) == care
    assert {m.id for m in store.team_members("team-care")} == care
    bob = profiles["bob"]
    assert store.supervisors_of_agent(bob.id) == ([sam] if bob.teamId == "team-care" else [sue])
    assert store.time_zone_of(bob.id) == next(s.timeZone for s in store.sites() if s.id == bob.siteId)
    assert store.time_zone_of("nobody") == "Europe/London"  # the settings' default zone

    again = seed_demo(users)
    assert again.created == 0 and again.integration_key is None
    assert again.ids == setup.ids


def test_seeded_data_is_usable_through_the_api(aws: AwsStack) -> None:
    users = demo_users(aws)
    seed_demo(users)
    alice = next(u for u in users if u.username == "alice")
    api = HttpClient(aws.claims(alice.user_id, "admins", username="alice"))
    assert len(api.get("/api/users").body["items"]) == len(users)
    refused = api.delete("/api/skills/skill-billing")
    assert (refused.status, refused.error_code) == (409, "IN_USE")
    bob = api.get(f"/api/users/{next(u.user_id for u in users if u.username == 'bob')}")
    assert bob.status == 200 and bob.body["skills"]


def test_seed_demo_without_supervisors_makes_the_admin_lead_the_teams(aws: AwsStack) -> None:
    admin = DemoUser(aws.create_user("root", "admins"), "root", "Root", "root@example.com", Role.ADMIN)
    agent = DemoUser(aws.create_user("ann", "agents"), "ann", "Ann", "ann@example.com", Role.AGENT)
    seed_demo([admin, agent])
    assert {t.id for t in store.teams_supervised_by(admin.user_id)} == {"team-care", "team-sales"}
    assert store.supervised_agent_ids(admin.user_id) == {agent.user_id}


def test_readers_return_nothing_for_unknown_ids(aws: AwsStack) -> None:
    assert all(store.get(kind, "unknown") is None for kind in Kind)
    assert store.queue("unknown") is None and store.team("unknown") is None and store.site("unknown") is None
    assert store.agent_profile("unknown", include_deleted=True) is None
    assert store.supervisors_of_agent("unknown") == []
