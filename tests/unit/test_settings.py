"""The settings model: what it reads, its defaults, and how a missing or invalid value fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agentdesk import wiring
from agentdesk.kernel import rate_limits
from agentdesk.kernel.rate_limits import Limit
from agentdesk.kernel.settings import (
    Settings,
    SettingsError,
    get_settings,
    load,
    required_settings,
    reset_settings,
    state_machine_setting,
    variable,
    variables,
)

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


@pytest.fixture(autouse=True)
def empty_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in (*variables(), "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield monkeypatch
    reset_settings()


def test_defaults_are_only_where_a_default_is_right() -> None:
    settings = load()
    assert settings.region == "us-east-1"
    assert settings.log_level == "INFO"
    assert settings.connection_ttl_seconds == 7200
    assert settings.command_limit == rate_limits.COMMANDS_PER_CONNECTION
    assert settings.config_request_limit == rate_limits.CONFIG_REQUESTS_PER_USER
    assert settings.connect_limit == rate_limits.CONNECTS_PER_SOURCE_IP
    assert settings.refused_token_limit == rate_limits.REFUSED_TOKENS_PER_SOURCE_IP
    assert settings.aws_endpoint_url is None
    for table in wiring.TABLES.values():
        assert getattr(settings, table.setting) is None, table.setting
    assert settings.user_pool_id is None and settings.ws_management_endpoint is None and settings.event_stream is None


def test_parses_every_kind_of_value(empty_environment: pytest.MonkeyPatch) -> None:
    env = empty_environment
    env.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    env.setenv("CONNECTIONS_TABLE", "conns")
    env.setenv("USER_POOL_ID", "eu-west-1_abc")
    env.setenv("CONNECTION_TTL_SECONDS", "60")
    env.setenv("RATE_LIMIT_COMMANDS", "2.5/7")
    env.setenv("LOG_LEVEL", "warning")
    settings = load()
    assert settings.region == "eu-west-1"  # AWS_REGION first, AWS_DEFAULT_REGION when it is not set
    assert settings.require("connections_table") == "conns"
    assert settings.connection_ttl_seconds == 60
    assert settings.command_limit == Limit(rate_per_second=2.5, burst=7)
    assert settings.log_level == "WARNING"
    assert settings.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"
    assert settings.jwks_url == f"{settings.issuer}/.well-known/jwks.json"
    env.setenv("AWS_REGION", "eu-central-1")
    env.setenv("COGNITO_JWKS_URL", "http://localhost:4566/pool/.well-known/jwks.json")
    settings = load()
    assert settings.region == "eu-central-1"
    assert settings.jwks_url == "http://localhost:4566/pool/.well-known/jwks.json"


def test_settings_are_read_once_until_reset(empty_environment: pytest.MonkeyPatch) -> None:
    empty_environment.setenv("EVENT_STREAM", "first")
    assert get_settings().event_stream == "first"
    empty_environment.setenv("EVENT_STREAM", "second")
    assert get_settings().event_stream == "first"
    reset_settings()
    assert get_settings().event_stream == "second"


def test_an_empty_value_counts_as_unset(empty_environment: pytest.MonkeyPatch) -> None:
    empty_environment.setenv("USER_POOL_ID", "")
    empty_environment.setenv("CONNECTION_TTL_SECONDS", "")
    settings = load()
    assert settings.user_pool_id is None and settings.connection_ttl_seconds == 7200


def test_a_missing_required_value_names_its_variable() -> None:
    settings = load()
    with pytest.raises(SettingsError, match=r"^CONNECTIONS_TABLE is not set \(DynamoDB table of the WebSocket"):
        settings.require("connections_table")
    with pytest.raises(SettingsError, match="USER_POOL_ID is not set"):
        _ = settings.issuer
    with pytest.raises(SettingsError, match="WS_MANAGEMENT_ENDPOINT is not set"):
        settings.require("ws_management_endpoint")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("RATE_LIMIT_COMMANDS", "10", "RATE_LIMIT_COMMANDS: .*'<per second>/<burst>'"),
        ("RATE_LIMIT_CONFIG_REQUESTS", "ten/30", "RATE_LIMIT_CONFIG_REQUESTS: .*could not convert"),
        ("RATE_LIMIT_CONNECTS", "0/10", "RATE_LIMIT_CONNECTS: .*rate_per_second must be a positive number"),
        ("RATE_LIMIT_REFUSED_TOKENS", "1/0", "RATE_LIMIT_REFUSED_TOKENS: .*burst must be at least 1"),
        ("CONNECTION_TTL_SECONDS", "two hours", "CONNECTION_TTL_SECONDS: .*valid integer.*'two hours'"),
        ("CONNECTION_TTL_SECONDS", "0", "CONNECTION_TTL_SECONDS: .*greater than 0"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: "),
    ],
)
def test_an_invalid_value_fails_naming_its_variable(
    empty_environment: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    empty_environment.setenv(name, value)
    with pytest.raises(SettingsError, match=f"^invalid settings: {expected}"):
        load()
    with pytest.raises(SettingsError, match=name):
        get_settings()


def test_a_deployed_function_checks_what_its_wiring_needs_on_first_read(
    empty_environment: pytest.MonkeyPatch,
) -> None:
    env = empty_environment
    env.setenv("AGENTDESK_FUNCTION", "publisher")
    with pytest.raises(SettingsError, match=r"^publisher needs CONNECTIONS_TABLE, .*EVENT_STREAM.*, which are not"):
        load()
    for name in required_settings(wiring.function("publisher")):
        env.setenv(variable(name), "x")
    assert load().function == "publisher"
    env.setenv("AGENTDESK_FUNCTION", "no-such-function")
    with pytest.raises(SettingsError, match="AGENTDESK_FUNCTION: no function 'no-such-function'"):
        load()


def test_what_a_function_needs_follows_its_wiring() -> None:
    assert set(required_settings(wiring.function("ws-authorizer"))) == {
        "config_table",
        "user_pool_id",
        "user_pool_client_id",
        "customer_token_secret_arn",
    }
    assert "event_stream" in required_settings(wiring.function("publisher"))
    assert {"schedule_group", "scheduler_role_arn", "scheduled_logoff_state_machine_arn"} <= set(
        required_settings(wiring.function("site-schedules"))
    )
    for spec in wiring.FUNCTIONS:
        assert set(required_settings(spec)) <= set(Settings.model_fields), spec.name


def test_every_table_and_state_machine_of_the_wiring_is_a_setting() -> None:
    for table in wiring.TABLES.values():
        assert variable(table.setting) == table.env_var
    for key in wiring.STATE_MACHINES:
        assert variable(state_machine_setting(key)) == f"{key.upper().replace('-', '_')}_STATE_MACHINE_ARN"


def test_every_setting_is_described() -> None:
    assert all(variables().values())


def settings_table() -> list[str]:
    """The table of the Settings section of docs/architecture.md, rendered from the model and the wiring."""
    rows = ["| variable | default | needed by | what |", "|---|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "—" if field.default is None else f"`{field.default}`"
        needed_by = ", ".join(f.name for f in wiring.FUNCTIONS if name in required_settings(f)) or "—"
        rows.append(f"| `{variable(name)}` | {default} | {needed_by} | {field.description} |")
    return rows


def test_the_architecture_document_lists_every_variable() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    listed = [line for line in section.splitlines() if line.startswith("|")]
    assert listed == settings_table(), "\n".join(["docs/architecture.md, ## Settings, should list:", *settings_table()])
