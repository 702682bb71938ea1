"""The agent's status toolbar and the supervisor's wallboard in a real browser against the local stack:
log in, pause with a code, a running timer, other tabs following live, and a supervisor forcing a pause
and a logoff that the agent sees without reloading."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

pytestmark = pytest.mark.e2e

# Agents the other browser and WebSocket tests leave alone; each test here owns one.
TOOLBAR_AGENT = "dave"
WATCHED_AGENT = "carol"
REFUSED_AGENT = "erin"
TIMER = re.compile(r"^\d{2}:\d{2}$")


def user(stack: Any, username: str) -> dict[str, str]:
    return next(u for role in stack.users.values() for u in role if u["username"] == username)


def sign_in(page: Page, stack: Any, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(user(stack, username)["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner").locator(".connection")).to_have_attribute("data-state", "connected")


def toolbar(page: Page) -> Locator:
    return page.get_by_role("region", name="Your status")


def expect_status(page: Page, status: str, reason: str | None = None) -> None:
    bar = toolbar(page)
    expect(bar.locator(".status-badge")).to_have_text(status)
    if reason is None:
        expect(bar.locator(".reason")).to_have_count(0)
    else:
        expect(bar.locator(".reason__label")).to_have_text(reason)


def open_workspace_offline(page: Page, stack: Any, username: str) -> None:
    """Sign in to the workspace and make sure the agent is Offline, whatever an earlier run left behind."""
    sign_in(page, stack, username)
    bar = toolbar(page)
    expect(bar.locator(".status-badge")).to_be_visible()
    log_off = bar.get_by_role("button", name="Log off")
    if log_off.is_visible():
        log_off.click()
    expect_status(page, "Offline")
    expect(bar.get_by_role("button", name="Log in")).to_be_enabled()


def test_agent_logs_in_pauses_for_lunch_and_another_tab_follows(new_page: Callable[[], Page], stack: Any) -> None:
    tab = new_page()
    open_workspace_offline(tab, stack, TOOLBAR_AGENT)
    other_tab = new_page()
    sign_in(other_tab, stack, TOOLBAR_AGENT)
    expect_status(other_tab, "Offline")

    bar = toolbar(tab)
    bar.get_by_role("button", name="Log in").click()
    expect_status(tab, "Available")
    expect(bar.get_by_role("button", name="Log in")).to_have_count(0)
    expect(bar.get_by_role("button", name="Available")).to_be_disabled()
    expect_status(other_tab, "Available")

    pause = bar.get_by_role("button", name="Pause")
    pause.click()
    menu = tab.get_by_role("menu", name="Pause reasons")
    expect(menu.get_by_role("group", name="Away")).to_be_visible()
    # System codes are never offered to an agent.
    expect(menu.get_by_role("menuitemradio", name="Wrap-up")).to_have_count(0)
    expect(menu.get_by_role("menuitemradio", name="Disconnected")).to_have_count(0)
    menu.get_by_role("menuitemradio", name="Lunch", exact=True).click()
    expect(menu).to_have_count(0)

    expect_status(tab, "Away", "Lunch")
    expect(bar.locator(".reason .tag")).to_have_text("Unproductive")
    timer = bar.locator(".timer-value")
    expect(timer).to_have_text(TIMER)
    first = timer.inner_text()
    expect(timer).not_to_have_text(first, timeout=5_000)  # it runs
    expect(bar.get_by_role("button", name="Available")).to_be_enabled()

    # The other tab follows without a reload.
    expect_status(other_tab, "Away", "Lunch")
    expect(toolbar(other_tab).locator(".timer-value")).to_have_text(TIMER)

    # The picker by keyboard: it opens on the current code, Escape returns to the button.
    pause.focus()
    tab.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitemradio", name="Lunch", exact=True)).to_be_focused()
    expect(menu.get_by_role("menuitemradio", name="Lunch", exact=True)).to_have_attribute("aria-checked", "true")
    tab.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitemradio", name="Meeting", exact=True)).to_be_focused()
    tab.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(pause).to_be_focused()

    bar.get_by_role("button", name="Log off").click()
    expect_status(tab, "Offline")
    expect(bar.get_by_role("button", name="Log in")).to_be_visible()
    expect_status(other_tab, "Offline")
    expect(toolbar(other_tab).get_by_role("button", name="Log in")).to_be_visible()


def wallboard_row(page: Page, name: str) -> Locator:
    return page.get_by_role("table").get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def open_wallboard_with(page: Page, stack: Any, agent_name: str) -> str:
    """Sign in as the supervisor whose wallboard shows the agent; returns that supervisor's username."""
    supervisor: str
    for supervisor in (str(u["username"]) for u in stack.users["supervisor"]):
        sign_in(page, stack, supervisor)
        expect(page.get_by_role("heading", name="Wallboard")).to_be_visible()
        rows = page.get_by_role("table").locator("tbody tr[data-agent-id]")
        expect(rows.first).to_be_visible()
        if wallboard_row(page, agent_name).count() == 1:
            return supervisor
        page.get_by_role("button", name="Sign out").click()
    raise AssertionError(f"no supervisor's wallboard shows {agent_name}")


def test_supervisor_forces_a_pause_and_a_logoff_that_the_agent_sees_live(
    new_page: Callable[[], Page], stack: Any
) -> None:
    agent_name = user(stack, WATCHED_AGENT)["name"]
    agent = new_page()
    open_workspace_offline(agent, stack, WATCHED_AGENT)
    toolbar(agent).get_by_role("button", name="Log in").click()
    expect_status(agent, "Available")
    agent.evaluate("window.__sameDocument = true")  # gone if the page reloads

    boss = new_page()
    open_wallboard_with(boss, stack, agent_name)
    row = wallboard_row(boss, agent_name)
    expect(row.locator(".status-badge")).to_have_text("Available")
    rows = boss.get_by_role("table").locator("tbody tr[data-agent-id]")
    counts = boss.get_by_role("list", name="Agents by status")
    expect(counts.locator(".status-count--total .status-count__value")).to_have_text(str(rows.count()))
    expect(counts.locator(".status-count--available .status-count__value")).not_to_have_text("0")

    row.get_by_role("button", name="Force status").click()
    dialog = boss.get_by_role("dialog", name=f"Force status: {agent_name}")
    expect(dialog).to_be_visible()
    set_status = dialog.get_by_role("button", name="Set status")
    expect(set_status).to_be_disabled()
    dialog.get_by_role("radio", name="Meeting").check()
    set_status.click()
    expect(dialog).to_have_count(0)
    expect(row.locator(".status-badge")).to_have_text("Away")
    expect(row.locator(".reason__label")).to_have_text("Meeting")
    expect(row.locator(".timer-value")).to_have_text(TIMER)
    expect(boss.locator(".wallboard__outcome")).to_have_text(f"{agent_name}: Away · Meeting.")

    expect_status(agent, "Away", "Meeting")
    notice = toolbar(agent).locator(".status-toolbar__notice")
    expect(notice).to_have_text("A supervisor set your status to Away · Meeting.")

    row.get_by_role("button", name="Force logoff").click()
    confirm = boss.get_by_role("dialog", name=f"Log off {agent_name}?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Log off").click()
    expect(confirm).to_have_count(0)
    expect(row.locator(".status-badge")).to_have_text("Offline")
    expect(row.get_by_role("button", name="Force logoff")).to_have_count(0)

    expect_status(agent, "Offline")
    expect(notice).to_have_text("A supervisor logged you off.")
    expect(toolbar(agent).get_by_role("button", name="Log in")).to_be_visible()
    assert agent.evaluate("window.__sameDocument === true"), "the agent's page was reloaded"


def test_a_refused_request_shows_the_servers_message_and_changes_nothing(
    new_page: Callable[[], Page], stack: Any
) -> None:
    page = new_page()

    def ask_for_a_code_that_does_not_exist(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if frame.get("action") == "setStatus":
                frame["reason"] = "no-such-code"
            server.send(json.dumps(frame))

        ws.on_message(to_server)

    page.route_web_socket(re.compile(r"/ws\b"), ask_for_a_code_that_does_not_exist)
    open_workspace_offline(page, stack, REFUSED_AGENT)
    bar = toolbar(page)
    bar.get_by_role("button", name="Log in").click()
    expect_status(page, "Available")

    bar.get_by_role("button", name="Pause").click()
    page.get_by_role("menuitemradio", name="Break", exact=True).click()
    alert = bar.get_by_role("alert")
    expect(alert).to_contain_text("There is no pause code 'no-such-code'")
    expect_status(page, "Available")
    alert.get_by_role("button", name="Dismiss").click()
    expect(bar.locator(".status-toolbar__error")).to_be_empty()

    bar.get_by_role("button", name="Log off").click()
    expect_status(page, "Offline")
