"""The config API's bodies: what each one accepts and refuses on its own (a 400 before any lookup)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from agentdesk.config.contracts import (
    LABEL_PATTERN,
    PATTERN_MESSAGES,
    TEXT_PATTERN,
    Body,
    CannedMessageInput,
    DispositionSetInput,
    ErrorResponse,
    IntegrationInput,
    Name,
    PauseCodeInput,
    QueueInput,
    SiteInput,
    SkillInput,
    TagInput,
    TeamInput,
    UserCreate,
    UserUpdate,
    WorkspaceSettings,
    WorkspaceSettingsInput,
)
from agentdesk.kernel.errors import ErrorCode

USER = {"username": "ann", "name": "Ann", "email": "ann@example.com", "role": "agent"}
OUTCOMES = {"Success": ["Sale"], "Unsure": ["Callback"], "Fail": ["No"]}
VALID: dict[type[BaseModel], dict[str, Any]] = {
    SkillInput: {"name": "Billing"},
    SiteInput: {"name": "London", "timeZone": "Europe/London"},
    TeamInput: {"name": "Care", "supervisorIds": ["u1"]},
    QueueInput: {"name": "Billing"},
    PauseCodeInput: {"label": "Lunch", "status": "Away"},
    DispositionSetInput: {"name": "Sales", "outcomes": OUTCOMES},
    CannedMessageInput: {"title": "Hi", "body": "Hi {{contact.firstName}}"},
    IntegrationInput: {"name": "Voice"},
    TagInput: {"label": "VIP"},
    UserCreate: USER,
    UserUpdate: {k: v for k, v in USER.items() if k != "username"},
    WorkspaceSettingsInput: {},
}


def problems(model: type[BaseModel], data: Any) -> list[str]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [".".join(str(p) for p in e["loc"]) for e in exc.errors()]
    return []


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
def test_every_body_accepts_its_example_and_refuses_unknown_fields(model: type[BaseModel]) -> None:
    assert issubclass(model, Body)
    assert problems(model, VALID[model]) == []
    assert problems(model, {**VALID[model], "extra": 1}) == ["extra"]


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
def test_every_body_refuses_wrong_types(model: type[BaseModel]) -> None:
    assert problems(model, "a string") != []
    assert problems(model, [VALID[model]]) != []


@pytest.mark.parametrize(("proficiency", "ok"), [(0, False), (1, True), (5, True), (6, False), ("3", False)])
def test_proficiency_is_1_to_5(proficiency: Any, ok: bool) -> None:
    found = problems(UserCreate, {**USER, "skills": [{"skillId": "k", "proficiency": proficiency}]})
    assert found == ([] if ok else ["skills.0.proficiency"])


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (20, True), (21, False)])
def test_max_concurrent_is_1_to_20_default_5(value: int, ok: bool) -> None:
    assert problems(UserCreate, {**USER, "maxConcurrent": value}) == ([] if ok else ["maxConcurrent"])
    assert UserCreate.model_validate(USER).maxConcurrent == 5


def test_user_rules() -> None:
    assert problems(UserCreate, {**USER, "permanentPassword": True}) != []
    assert problems(UserCreate, {**USER, "password": "short"}) == ["password"]
    twice = [{"skillId": "k", "proficiency": 1}, {"skillId": "k", "proficiency": 2}]
    assert problems(UserCreate, {**USER, "skills": twice}) != []
    assert problems(UserCreate, {**USER, "email": "nope"}) == ["email"]
    assert problems(UserCreate, {**USER, "autoAnswer": "sometimes"}) == ["autoAnswer"]
    assert problems(UserCreate, {**USER, "username": "a b"}) == ["username"]
    assert problems(UserUpdate, {**USER}) == ["username"]  # the username cannot change


def test_names_are_trimmed_and_must_not_be_blank() -> None:
    assert SkillInput.model_validate({"name": "  Billing  "}).name == "Billing"
    assert problems(SkillInput, {"name": "   "}) == ["name"]
    assert problems(SkillInput, {"name": "x" * 81}) == ["name"]


def test_time_zones_must_exist() -> None:
    assert problems(SiteInput, {"name": "Mars", "timeZone": "Mars/Olympus_Mons"}) == ["timeZone"]
    assert problems(WorkspaceSettingsInput, {"defaultTimeZone": "Nowhere"}) == ["defaultTimeZone"]


def test_canned_messages_use_known_variables_only() -> None:
    assert problems(CannedMessageInput, {"title": "T", "body": "Hi {{contact.shoeSize}}"}) == ["body"]
    assert problems(CannedMessageInput, {"title": "T", "body": "Hi {{contact.firstName"}) == ["body"]


def test_disposition_sets_need_every_category() -> None:
    assert problems(DispositionSetInput, {"name": "D", "outcomes": {**OUTCOMES, "Fail": []}}) == ["outcomes.Fail"]
    assert problems(DispositionSetInput, {"name": "D", "outcomes": {**OUTCOMES, "Maybe": ["x"]}}) == ["outcomes.Maybe"]
    assert problems(DispositionSetInput, {"name": "D", "outcomes": {**OUTCOMES, "Fail": ["sale"]}}) == ["outcomes"]


def test_pause_code_status_is_away_or_busy() -> None:
    assert problems(PauseCodeInput, {"label": "Nap", "status": "Offline"}) == ["status"]
    assert PauseCodeInput.model_validate({"label": "Nap", "status": "Busy"}).productive is False


def test_team_supervisors_are_unique() -> None:
    assert problems(TeamInput, {"name": "T", "supervisorIds": ["u", "u"]}) != []


def test_settings_defaults() -> None:
    defaults = WorkspaceSettings(version=0)
    assert defaults.presenceGraceSeconds == 60
    assert defaults.defaultWrapUpTimeoutSeconds == 120
    assert defaults.defaultTimeZone == "UTC"
    assert defaults.autoLogoffAtMidnight is True


def test_queue_limits() -> None:
    assert problems(QueueInput, {"name": "Q", "slaTargetSeconds": 0}) == ["slaTargetSeconds"]
    assert problems(QueueInput, {"name": "Q", "wrapUpTimeoutSeconds": 5}) == ["wrapUpTimeoutSeconds"]
    assert problems(QueueInput, {"name": "Q", "requiredSkillId": "has space"}) == ["requiredSkillId"]


def test_the_error_body_schema_lists_every_error_code() -> None:
    schema = ErrorResponse.model_json_schema()
    assert schema["$defs"]["ErrorCode"]["enum"] == [code.value for code in ErrorCode]
    assert ErrorCode.INVALID_REFERENCE.value == "INVALID_REFERENCE"


@pytest.mark.parametrize("hidden", ["\x00", "\x1f", "\x7f", "\u202e", "\u2066", "\u200b", "\ufeff", "\n", "\t"])
def test_names_refuse_control_and_invisible_characters(hidden: str) -> None:
    # "\x1f" passes a plain \S pattern and is then stripped to "": names must not hide what they hold.
    with pytest.raises(ValidationError):
        TypeAdapter(Name).validate_python(f"Sales{hidden}Team")
    with pytest.raises(ValidationError):
        TypeAdapter(Name).validate_python(hidden)


@pytest.mark.parametrize("shown", ["Ada", "  Zoë  ", "客服", "😀 Team", "O'Brien \u2013 Sales"])
def test_names_keep_any_visible_text_trimmed(shown: str) -> None:
    assert TypeAdapter(Name).validate_python(shown) == shown.strip()


def test_every_label_pattern_has_a_message_a_person_can_read() -> None:
    assert LABEL_PATTERN in PATTERN_MESSAGES and TEXT_PATTERN in PATTERN_MESSAGES


@pytest.mark.parametrize("color", [None, "gray", "purple", "pink", "#1f6feb", "#A0B1C2"])
def test_a_tag_colour_is_a_palette_name_or_rrggbb(color: str | None) -> None:
    tag = TagInput.model_validate({"label": "VIP", "color": color})
    assert tag.color == (color.lower() if color else None)  # stored lower-case
    assert (tag.description, tag.enabled) == ("", True)


@pytest.mark.parametrize("color", ["Purple", "crimson", "#fff", "#1f6feb0", "1f6feb", "", " blue", 5])
def test_a_tag_colour_outside_the_palette_is_refused(color: Any) -> None:
    assert problems(TagInput, {"label": "VIP", "color": color}) == ["color"]


def test_a_tag_label_follows_the_short_label_rules() -> None:
    assert TagInput.model_validate({"label": "  Follow-up "}).label == "Follow-up"
    assert problems(TagInput, {"label": "x" * 41}) == ["label"]
    assert problems(TagInput, {"label": "x" * 40}) == []
    for bad in ("", "   ", "VIP\nGold", "V\u200bIP"):
        assert problems(TagInput, {"label": bad}) == ["label"], bad
    assert problems(TagInput, {"label": "VIP", "description": "x" * 501}) == ["description"]
    assert problems(TagInput, {"label": "VIP", "enabled": "yes"}) == ["enabled"]


def test_the_tag_colour_pattern_has_a_message_a_person_can_read() -> None:
    from agentdesk.config.domain.rules import TAG_COLOR_PATTERN

    assert "#1f6feb" in PATTERN_MESSAGES[TAG_COLOR_PATTERN] and "purple" in PATTERN_MESSAGES[TAG_COLOR_PATTERN]


def test_a_user_is_staff_never_a_customer() -> None:
    assert problems(UserCreate, {**USER, "role": "customer"}) == ["role"]
    assert [UserCreate.model_validate({**USER, "role": r}).role.value for r in ("agent", "supervisor", "admin")] == [
        "agent",
        "supervisor",
        "admin",
    ]
    schema = UserUpdate.model_json_schema()["properties"]["role"]
    assert schema["enum"] == ["agent", "supervisor", "admin"]
