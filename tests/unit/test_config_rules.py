"""The pure rules of the configuration: references, what is in use, names, time zones, templates, outcomes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentdesk.config.domain.rules import (
    CONTACT_VARIABLES,
    NO_AGENT_SUBMISSION,
    REFERRERS,
    SYSTEM_PAUSE_CODE_IDS,
    TEMPLATE_VARIABLES,
    WRAP_UP_PAUSE_CODE_ID,
    Entry,
    Kind,
    Reference,
    duplicates,
    fill_variables,
    in_use_message,
    is_time_zone,
    key_hash,
    key_prefix,
    label_of,
    name_key,
    outcome_problems,
    reference_problem,
    references_of,
    render,
    role_change_blockers,
    template_problems,
    template_variables,
    usages_of,
    variable_values,
)
from agentdesk.kernel.identity import Role

AGENT = {
    "username": "ann",
    "role": "agent",
    "teamId": "t1",
    "siteId": "s1",
    "outboundQueueId": "q1",
    "skills": [{"skillId": "k1", "proficiency": 5}, {"skillId": "k2", "proficiency": 1}],
}


def test_a_user_refers_to_team_site_queue_and_skills() -> None:
    assert references_of(Kind.USER, AGENT) == [
        Reference("teamId", Kind.TEAM, "t1"),
        Reference("siteId", Kind.SITE, "s1"),
        Reference("outboundQueueId", Kind.QUEUE, "q1"),
        Reference("skills.0.skillId", Kind.SKILL, "k1"),
        Reference("skills.1.skillId", Kind.SKILL, "k2"),
    ]


@pytest.mark.parametrize(
    ("kind", "document", "expected"),
    [
        (Kind.TEAM, {"supervisorIds": ["u1", "u2"]}, [("supervisorIds.0", Kind.USER), ("supervisorIds.1", Kind.USER)]),
        (
            Kind.QUEUE,
            {"requiredSkillId": "k", "dispositionSetId": "d"},
            [("requiredSkillId", Kind.SKILL), ("dispositionSetId", Kind.DISPOSITION_SET)],
        ),
        (Kind.QUEUE, {"requiredSkillId": None, "dispositionSetId": None}, []),
        (Kind.CANNED_MESSAGE, {"queueId": "q"}, [("queueId", Kind.QUEUE)]),
        (
            Kind.SETTINGS,
            {"generalQueueId": "q", "defaultDispositionSetId": "d"},
            [("generalQueueId", Kind.QUEUE), ("defaultDispositionSetId", Kind.DISPOSITION_SET)],
        ),
        (Kind.SKILL, {"name": "x"}, []),
        (Kind.PAUSE_CODE, {"label": "x"}, []),
    ],
)
def test_references_of_each_kind(kind: Kind, document: dict[str, object], expected: list[tuple[str, Kind]]) -> None:
    assert [(r.field, r.kind) for r in references_of(kind, document)] == expected


def test_referrers_cover_every_reference() -> None:
    """If kind A can refer to kind B, then B's referrers include A (else a delete could orphan A)."""
    samples = {
        Kind.USER: AGENT,
        Kind.TEAM: {"supervisorIds": ["u"]},
        Kind.QUEUE: {"requiredSkillId": "k", "dispositionSetId": "d"},
        Kind.CANNED_MESSAGE: {"queueId": "q"},
        Kind.SETTINGS: {"generalQueueId": "q", "defaultDispositionSetId": "d"},
    }
    for kind, document in samples.items():
        for ref in references_of(kind, document):
            assert kind in REFERRERS[ref.kind], (kind, ref)


def test_usages_name_every_referrer_and_field() -> None:
    entries = [
        Entry(Kind.USER, "u1", AGENT),
        Entry(Kind.QUEUE, "q9", {"name": "Billing", "requiredSkillId": "k1"}),
        Entry(Kind.QUEUE, "q8", {"name": "Sales", "requiredSkillId": "k3"}),
    ]
    found = usages_of(Kind.SKILL, "k1", entries)
    assert [(u.kind, u.id, u.label, u.field) for u in found] == [
        (Kind.USER, "u1", "ann", "skills.0.skillId"),
        (Kind.QUEUE, "q9", "Billing", "requiredSkillId"),
    ]
    assert in_use_message(Kind.SKILL, "Billing", found) == (
        'Skill "Billing" is used by user "ann" (as a skill) and queue "Billing" (as its required skill); '
        "change or remove those first."
    )
    assert usages_of(Kind.SKILL, "k2", entries)[0].field == "skills.1.skillId"
    assert usages_of(Kind.SKILL, "nobody", entries) == []


def test_a_long_list_of_usages_is_shortened() -> None:
    entries = [Entry(Kind.USER, f"u{n}", {**AGENT, "username": f"agent{n}"}) for n in range(8)]
    message = in_use_message(Kind.TEAM, "Care", usages_of(Kind.TEAM, "t1", entries))
    assert message.count('user "') == 5
    assert "and 3 more" in message


@pytest.mark.parametrize(
    ("role", "problem"),
    [("agent", "is an agent"), ("supervisor", None), ("admin", None), ("nonsense", "without a role")],
)
def test_team_supervisors_must_be_supervisors_or_admins(role: str, problem: str | None) -> None:
    ref = Reference("supervisorIds.0", Kind.USER, "u1")
    found = reference_problem(ref, Entry(Kind.USER, "u1", {"username": "sam", "role": role}))
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_missing_target_is_a_problem_naming_field_and_id() -> None:
    problem = reference_problem(Reference("teamId", Kind.TEAM, "t9"), None)
    assert problem == 'teamId: there is no team with id "t9".'
    assert reference_problem(Reference("teamId", Kind.TEAM, "t9"), Entry(Kind.TEAM, "t9", {"name": "A"})) is None


def test_demoting_a_team_supervisor_is_blocked() -> None:
    teams = [Entry(Kind.TEAM, "t1", {"name": "Care", "supervisorIds": ["u1"]})]
    assert [u.label for u in role_change_blockers("u1", Role.AGENT, teams)] == ["Care"]
    assert role_change_blockers("u1", Role.ADMIN, teams) == []
    assert role_change_blockers("u2", Role.AGENT, teams) == []


def test_names_compare_without_case_and_extra_spaces() -> None:
    assert name_key("  Technical   Support ") == name_key("technical support")
    assert duplicates(["Sale", "sale ", "Upgrade", "SALE"]) == ["sale ", "SALE"]
    assert label_of(Kind.PAUSE_CODE, {"label": "Lunch"}) == "Lunch"
    assert label_of(Kind.SETTINGS, {}) == "settings"


@given(st.text(max_size=40))
def test_name_key_is_idempotent(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"])
def test_known_time_zones(zone: str) -> None:
    assert is_time_zone(zone)


@pytest.mark.parametrize(
    "zone", ["", "Mars/Olympus_Mons", "Europe/Berlin ", "../../etc/passwd", "/etc/localtime", "Europe/../UTC", "+01:00"]
)
def test_unknown_time_zones(zone: str) -> None:
    assert not is_time_zone(zone)


def test_template_variables_are_found_and_checked() -> None:
    body = "Hi {{contact.firstName}}, I'm {{ agent.firstName }}. {{contact.firstName}}!"
    assert template_variables(body) == ["contact.firstName", "agent.firstName"]
    assert template_problems(body) == []
    assert "unknown variable" in template_problems("{{contact.shoeSize}}")[0]
    assert "not closed" in template_problems("Hi {{contact.firstName")[0]
    assert "not closed" in template_problems("Hi contact.firstName}}")[0]
    assert template_problems("No variables at all.") == []


def test_render_fills_known_variables_and_blanks_the_rest() -> None:
    body = "Hi {{contact.firstName}} {{ contact.lastName }}, account {{contact.accountNumber}}."
    assert render(body, {"contact.firstName": "Ann", "contact.lastName": "Lee"}) == "Hi Ann Lee, account ."


@given(st.lists(st.sampled_from(TEMPLATE_VARIABLES), max_size=5), st.text(alphabet="abc ,.!", max_size=20))
def test_any_text_with_known_variables_is_accepted(variables: list[str], text: str) -> None:
    body = text + "".join("{{" + v + "}}" + text for v in variables)
    assert template_problems(body) == []
    assert "{{" not in render(body, dict.fromkeys(TEMPLATE_VARIABLES, "x"))


def test_contact_variables_are_all_contact_fields() -> None:
    assert all(v.startswith("contact.") for v in CONTACT_VARIABLES)


def test_outcome_rules() -> None:
    good = {"Success": ["Sale"], "Unsure": ["Callback"], "Fail": ["No"]}
    assert outcome_problems(good) == []
    assert outcome_problems({**good, "Fail": []}) == [("outcomes.Fail", "Fail needs at least one outcome.")]
    assert outcome_problems({**good, "Unsure": [NO_AGENT_SUBMISSION.upper()]})[0][0] == "outcomes.Unsure.0"
    repeated = outcome_problems({**good, "Fail": ["No", "sale"]})
    assert repeated == [("outcomes.Fail.1", '"sale" appears more than once (also in Success).')]


def test_system_pause_codes() -> None:
    assert WRAP_UP_PAUSE_CODE_ID in SYSTEM_PAUSE_CODE_IDS


def test_integration_keys_are_stored_as_sha256() -> None:
    key = "adk_abcd1234_secret"
    assert key_hash(key) == hashlib.sha256(key.encode()).hexdigest()
    assert key_prefix(key) == "adk_abcd1234"


# --- filling canned messages ---------------------------------------------------------------------------

CONTACT = {"contactId": "c1", "name": "Ann  Marie Lee", "email": "ann@example.com", "phone": "+44 20 7946 0000"}


def test_fill_variables_takes_the_contact_the_agent_and_the_queue() -> None:
    body = "Hi {{contact.firstName}} ({{ contact.fullName }}, {{contact.email}}), "
    body += "I'm {{agent.firstName}} of {{queue.name}}."
    filled = fill_variables(body, CONTACT, agent_name="Ben Ng", queue_name="Billing")
    assert filled == "Hi Ann (Ann Marie Lee, ann@example.com), I'm Ben of Billing."
    assert fill_variables("{{contact.lastName}} / {{agent.name}}", CONTACT, agent_name="Ben Ng") == "Marie Lee / Ben Ng"


def test_fill_variables_prefers_the_contacts_own_first_and_last_name() -> None:
    contact = {"name": "Dr Ann Lee", "firstName": "Ann", "lastName": "Lee", "company": "Acme", "accountNumber": 4711}
    assert (
        fill_variables("{{contact.firstName}} {{contact.lastName}} of {{contact.company}}", contact)
        == "Ann Lee of Acme"
    )
    assert fill_variables("Account {{contact.accountNumber}}", contact) == "Account 4711"
    assert variable_values({"firstName": "Ann", "lastName": "Lee"})["contact.fullName"] == "Ann Lee"


def test_fill_variables_reads_a_contact_object_as_well_as_a_mapping() -> None:
    class Contact:
        name = "Ann Lee"
        email = None

    assert fill_variables("Hi {{contact.firstName}}, {{contact.email}}!", Contact()) == "Hi Ann,!"


def test_a_variable_without_a_value_goes_with_the_space_before_it() -> None:
    greeting = "Hi {{contact.firstName}}, thanks for getting in touch. I'm {{agent.firstName}} — how can I help?"
    assert fill_variables(greeting, {}) == "Hi, thanks for getting in touch. I'm — how can I help?"
    assert fill_variables("Thanks {{contact.firstName}}", None) == "Thanks"
    assert fill_variables("Dear {{contact.firstName}} {{contact.lastName}}, hello", {"name": ""}) == "Dear, hello"
    assert fill_variables("({{contact.phone}})", {}) == "()"  # no space to take: only the variable goes


def test_an_unknown_variable_is_left_as_written() -> None:
    # the config API refuses them (400), so only a message stored before a variable was withdrawn has one
    assert (
        fill_variables("Size {{contact.shoeSize}}, {{contact.firstName}}", CONTACT) == "Size {{contact.shoeSize}}, Ann"
    )
    assert fill_variables("No variables {at all}.", CONTACT) == "No variables {at all}."


def test_values_are_inserted_as_text_never_read_as_variables() -> None:
    contact = {"name": "{{agent.name}} $1 \\1"}
    assert fill_variables("Hi {{contact.fullName}}", contact, agent_name="Ben") == "Hi {{agent.name}} $1 \\1"


@given(st.text(max_size=200), st.dictionaries(st.sampled_from(["name", "email", "phone"]), st.text(max_size=30)))
def test_fill_variables_never_fails_and_leaves_no_known_variable(body: str, contact: dict[str, str]) -> None:
    filled = fill_variables(body, contact, agent_name="Ben", queue_name="Billing")
    if not template_problems(body) and all("{" not in v and "}" not in v for v in contact.values()):
        assert not any(f"{{{{{name}}}}}" in filled for name in TEMPLATE_VARIABLES)


def test_every_demo_canned_message_fills_completely() -> None:
    from agentdesk.config.defaults import CANNED_MESSAGES

    contact = {"name": "Ann Lee", "email": "ann@example.com", "phone": "1", "company": "Acme", "accountNumber": "7"}
    for _id, _title, body, _queue in CANNED_MESSAGES:
        assert template_problems(body) == []
        filled = fill_variables(body, contact, agent_name="Ben Ng", queue_name="Billing")
        assert "{{" not in filled and "Ann" in filled


def test_the_admin_console_offers_the_same_tag_palette() -> None:
    import re
    from pathlib import Path

    from agentdesk.config.domain.rules import TAG_COLORS

    source = (Path(__file__).resolve().parents[2] / "web" / "src" / "admin" / "validation.ts").read_text()
    palette = re.search(r"TAG_PALETTE = \{(.*?)\}", source, re.S)
    assert palette is not None
    assert tuple(re.findall(r"^\s*(\w+):", palette.group(1), re.M)) == TAG_COLORS
