"""The admin console in a real browser against the local stack: an admin sets up a queue, a pause code and an
agent who then finds the code in their pause picker; refusals (role, stale edit, in use, taken name) are shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

ADMIN = "ada"
SUPERVISOR = "sam"
AGENT = "alice"


def demo_password(stack: Any, username: str) -> str:
    return str(next(u["password"] for role in stack.users.values() for u in role if u["username"] == username))


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner").locator(".connection")).to_have_attribute("data-state", "connected")


def open_console(page: Page, stack: Any, username: str = ADMIN) -> None:
    sign_in(page, username, demo_password(stack, username))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin console").click()
    expect(page.get_by_role("heading", name="Admin console", level=1)).to_be_visible()


def open_section(page: Page, title: str) -> Locator:
    """Show a section of the console; returns its list."""
    page.get_by_role("navigation", name="Admin sections").get_by_role("button", name=title, exact=True).click()
    section = page.get_by_role("region", name=title, exact=True)
    expect(section).to_be_visible()
    return section


def row(section: Locator, name: str) -> Locator:
    """The table row whose header (the item's name) contains `name`."""
    return section.get_by_role("row").filter(has=section.page.get_by_role("rowheader", name=name))


def expect_focus(page: Page, control: Locator) -> None:
    """The control has the keyboard focus (by the document's activeElement: a background window has no focus)."""
    page.wait_for_function("id => document.activeElement?.id === id", arg=control.get_attribute("id"), timeout=15_000)


def api(stack: Any, username: str) -> httpx.Client:
    token = stack.token(username)
    return httpx.Client(base_url=f"{stack.base_url}/api", headers={"Authorization": f"Bearer {token}"}, timeout=15)


def test_admin_sets_up_a_queue_a_pause_code_and_an_agent_who_then_sees_the_code(
    new_page: Callable[[], Page], stack: Any
) -> None:
    suffix = uuid.uuid4().hex[:6]
    queue_name = f"Renewals {suffix}"
    code_label = f"Coaching {suffix}"
    username = f"agent.{suffix}"
    agent_name = f"Nora Newhire {suffix}"
    password = f"Welcome-{suffix}-2026!A"
    admin = new_page()
    open_console(admin, stack)

    # A queue; the form's own checks run before anything is sent.
    queues = open_section(admin, "Queues")
    queues.get_by_role("button", name="New queue").click()
    form = admin.get_by_role("region", name="New queue")
    form.get_by_label("SLA target (seconds)").fill("0")
    form.get_by_role("button", name="Create queue").click()
    expect(form.get_by_role("alert")).to_have_text("2 fields need attention.")
    expect_focus(admin, form.get_by_role("textbox", name="Name", exact=True))
    expect(form.get_by_text("Enter a name.")).to_be_visible()
    expect(form.get_by_text("Enter a whole number from 1 to 3600.")).to_be_visible()
    form.get_by_role("textbox", name="Name", exact=True).fill(queue_name)
    form.get_by_label("Required skill").select_option(label="Billing")
    form.get_by_label("SLA target (seconds)").fill("25")
    form.get_by_label("Offer timeout (seconds)").fill("45")
    form.get_by_label("Disposition set").select_option(label="Sales")
    form.get_by_role("button", name="Create queue").click()
    expect(queues.get_by_role("status")).to_have_text(f"Created queue “{queue_name}”.")
    created = row(queues, queue_name)
    for text in ("Billing", "25 s", "45 s", "Sales"):
        expect(created).to_contain_text(text)

    # A pause code.
    codes = open_section(admin, "Pause codes")
    codes.get_by_role("button", name="New pause code").click()
    form = admin.get_by_role("region", name="New pause code")
    form.get_by_label("Label").fill(code_label)
    form.get_by_role("radio", name="Away").check()
    form.get_by_label("Productive").check()
    expect(form.get_by_role("checkbox", name="Enabled", exact=True)).to_be_checked()
    form.get_by_role("button", name="Create pause code").click()
    expect(codes.get_by_role("status")).to_have_text(f"Created pause code “{code_label}”.")
    expect(row(codes, code_label)).to_contain_text("Away")
    # System codes are shown but cannot be changed or deleted.
    wrap_up = row(codes, "Wrap-up")
    expect(wrap_up.get_by_role("button", name="View Wrap-up")).to_be_visible()
    expect(wrap_up.get_by_role("button", name="Delete Wrap-up")).to_have_count(0)

    # An agent in a team and a site, with a skill, a capacity and a permanent password.
    users = open_section(admin, "Users and agents")
    users.get_by_role("button", name="New user").click()
    form = admin.get_by_role("region", name="New user")
    form.get_by_label("Username").fill(username)
    form.get_by_role("textbox", name="Name", exact=True).fill(agent_name)
    form.get_by_role("textbox", name="Email", exact=True).fill(f"{username}@example.com")
    form.get_by_label("Role").select_option("agent")
    form.get_by_label("Team").select_option(label="Customer Care")
    form.get_by_label("Site").select_option(label="Madrid")
    form.get_by_role("button", name="Add a skill").click()
    form.get_by_role("combobox", name="Skill 1").select_option(label="Billing")
    form.get_by_label("Proficiency").select_option("4")
    form.get_by_label("Max concurrent conversations").fill("3")
    form.get_by_label("Initial password").fill(password)
    form.get_by_label("Permanent").check()
    form.get_by_label("Email an invitation").uncheck()
    form.get_by_role("button", name="Create user").click()
    expect(users.get_by_role("status")).to_have_text(f"Created user “{username}”.")
    agent_row = row(users, agent_name)
    for text in ("Agent", "Customer Care", "Madrid", "Billing 4", "3"):
        expect(agent_row).to_contain_text(text)

    # The new agent signs in elsewhere and finds the new code among the pause reasons.
    agent = new_page()
    sign_in(agent, username, password)
    expect(agent.get_by_role("heading", name="Workspace")).to_be_visible()
    toolbar = agent.get_by_role("region", name="Your status")
    toolbar.get_by_role("button", name="Log in").click()
    expect(toolbar.locator(".status-badge")).to_have_text("Available")
    toolbar.get_by_role("button", name="Pause").click()
    menu = agent.get_by_role("menu", name="Pause reasons")
    menu.get_by_role("group", name="Away").get_by_role("menuitemradio", name=code_label, exact=True).click()
    expect(toolbar.locator(".status-badge")).to_have_text("Away")
    expect(toolbar.locator(".reason__label")).to_have_text(code_label)
    toolbar.get_by_role("button", name="Log off").click()
    expect(toolbar.locator(".status-badge")).to_have_text("Offline")


def test_an_agent_is_refused_the_admin_console(new_page: Callable[[], Page], stack: Any) -> None:
    page = new_page()
    sign_in(page, AGENT, demo_password(stack, AGENT))
    expect(page.get_by_role("heading", name="Workspace")).to_be_visible()
    page.goto("/#/admin")
    expect(page).to_have_url(f"{stack.base_url}/#/workspace")
    expect(page.get_by_role("heading", name="Workspace")).to_be_visible()
    expect(page.get_by_role("heading", name="Admin console")).to_have_count(0)
    expect(page.get_by_role("link", name="Admin console")).to_have_count(0)
    with api(stack, AGENT) as client:
        assert client.get("/users").status_code == 403


def test_a_supervisor_reads_the_configuration_but_cannot_change_it(new_page: Callable[[], Page], stack: Any) -> None:
    page = new_page()
    open_console(page, stack, SUPERVISOR)
    expect(page.get_by_text("You are viewing the configuration read-only")).to_be_visible()
    nav = page.get_by_role("navigation", name="Admin sections")
    expect(nav.get_by_role("button", name="Queues")).to_be_visible()
    expect(nav.get_by_role("button", name="Integrations")).to_have_count(0)  # admins only
    queues = open_section(page, "Queues")
    expect(queues.get_by_role("button", name="New queue")).to_have_count(0)
    expect(queues.get_by_role("button", name="Delete General")).to_have_count(0)
    queues.get_by_role("button", name="View General").click()
    form = page.get_by_role("region", name="View queue “General”")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("General")
    expect(form.get_by_role("textbox", name="Name", exact=True)).not_to_be_editable()
    expect(form.get_by_role("button", name="Save changes")).to_have_count(0)


def test_a_stale_edit_shows_the_conflict_and_a_reload_recovers(new_page: Callable[[], Page], stack: Any) -> None:
    name = f"Escalations {uuid.uuid4().hex[:6]}"
    with api(stack, ADMIN) as client:
        created = client.post("/skills", json={"name": name, "description": "First words"})
        assert created.status_code == 201, created.text
        path = created.headers["Location"].removeprefix("/api")

        page = new_page()
        open_console(page, stack)
        skills = open_section(page, "Skills")
        row(skills, name).get_by_role("button", name=f"Edit {name}").click()
        form = page.get_by_role("region", name=f"Edit skill “{name}”")
        description = form.get_by_label("Description")
        expect(description).to_have_value("First words")

        # Another admin saves first.
        current = client.get(path)
        changed = client.put(
            path,
            json={"name": name, "description": "Changed elsewhere"},
            headers={"If-Match": current.headers["ETag"]},
        )
        assert changed.status_code == 200, changed.text

    description.fill("My words")
    form.get_by_role("button", name="Save changes").click()
    expect(form.get_by_role("alert")).to_contain_text(
        "Someone else changed this skill after you opened it, so your changes were not saved."
    )
    form.get_by_role("button", name="Reload the skill").click()
    expect(description).to_have_value("Changed elsewhere")
    description.fill("My words")
    form.get_by_role("button", name="Save changes").click()
    expect(skills.get_by_role("status")).to_have_text(f"Saved skill “{name}”.")
    expect(row(skills, name)).to_contain_text("My words")


def test_refusals_are_shown_where_they_apply(new_page: Callable[[], Page], stack: Any) -> None:
    page = new_page()
    open_console(page, stack)

    # A username already taken: the API's message under the field it named.
    users = open_section(page, "Users and agents")
    users.get_by_role("button", name="New user").click()
    form = page.get_by_role("region", name="New user")
    form.get_by_label("Username").fill(AGENT)
    form.get_by_role("textbox", name="Name", exact=True).fill("Another Alice")
    form.get_by_role("textbox", name="Email", exact=True).fill("another.alice@example.com")
    form.get_by_role("button", name="Create user").click()
    expect(form.get_by_label("Username")).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_text("A user with this username or email already exists.")).to_be_visible()
    expect(form.get_by_role("alert")).to_have_text("The server refused this; see the field marked below.")
    form.get_by_role("button", name="Cancel").first.click()

    # A delete refused while the item is in use: the API's reason in the confirmation.
    skills = open_section(page, "Skills")
    row(skills, "Billing").get_by_role("button", name="Delete Billing").click()
    dialog = page.get_by_role("dialog", name="Delete skill “Billing”?")
    expect(dialog).to_contain_text("This cannot be undone.")
    dialog.get_by_role("button", name="Delete").click()
    expect(dialog.get_by_role("alert")).to_contain_text('Skill "Billing" is used by')
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)
    expect(row(skills, "Billing")).to_be_visible()


def test_long_lists_load_page_by_page(new_page: Callable[[], Page], stack: Any) -> None:
    with api(stack, ADMIN) as client:
        total = len(client.get("/skills", params={"limit": 100}).json()["items"])
    assert total > 2
    page = new_page()
    # Pages of two, so the demo's few skills need several: the console follows the API's nextCursor.
    page.route(
        "**/api/skills?*",
        lambda route: route.continue_(url=route.request.url.replace("limit=50", "limit=2")),
    )
    open_console(page, stack)
    skills = open_section(page, "Skills")
    rows = skills.locator("tbody tr")
    expect(rows).to_have_count(2)
    load_more = skills.get_by_role("button", name="Load more")
    shown = 2
    while shown < total:
        load_more.click()
        shown = min(total, shown + 2)
        expect(rows).to_have_count(shown)
    expect(load_more).to_have_count(0)
