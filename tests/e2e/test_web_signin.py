"""The web app in a real browser against the local stack: sign-in, the signed-in shell, errors, sign-out."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

pytestmark = pytest.mark.e2e

ROLE_LABELS = {"agent": "Agent", "supervisor": "Supervisor", "admin": "Admin"}


@pytest.fixture
def page(browser: Browser, stack: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.base_url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    yield page
    context.close()
    assert not script_errors, f"the page raised: {script_errors}"


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def expect_signed_in(page: Page, name: str, role: str) -> None:
    header = page.get_by_role("banner")
    expect(header.get_by_text("Agent Desk")).to_be_visible()
    expect(header.locator(".user__name")).to_have_text(name)
    expect(header.locator(".user__role")).to_have_text(ROLE_LABELS[role])
    expect(header.locator(".connection")).to_have_attribute("data-state", "connected")
    expect(header.get_by_text("Connected", exact=True)).to_be_visible()


def test_agent_signs_in_and_sees_name_role_and_connection(page: Page, stack: Any) -> None:
    agent = stack.users["agent"][0]
    sign_in(page, agent["username"], agent["password"])
    expect_signed_in(page, agent["name"], "agent")
    expect(page.get_by_role("heading", name="Workspace")).to_be_visible()
    expect(page).to_have_url(f"{stack.base_url}/#/workspace")


@pytest.mark.parametrize(("role", "home"), [("supervisor", "Wallboard"), ("admin", "Admin console")])
def test_other_roles_land_on_their_own_view(page: Page, stack: Any, role: str, home: str) -> None:
    user = stack.users[role][0]
    sign_in(page, user["username"], user["password"])
    expect_signed_in(page, user["name"], role)
    expect(page.get_by_role("heading", name=home)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Workspace")).to_be_visible()


def test_wrong_password_shows_the_error(page: Page, stack: Any) -> None:
    agent = stack.users["agent"][0]
    sign_in(page, agent["username"], agent["password"] + "-wrong")
    expect(page.get_by_role("alert")).to_have_text("Incorrect username or password.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_enabled()


def test_sign_out_returns_to_sign_in_and_forgets_the_session(page: Page, stack: Any) -> None:
    agent = stack.users["agent"][0]
    sign_in(page, agent["username"], agent["password"])
    expect_signed_in(page, agent["name"], "agent")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    assert page.evaluate("sessionStorage.length") == 0
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_a_reload_keeps_the_session(page: Page, stack: Any) -> None:
    agent = stack.users["agent"][0]
    sign_in(page, agent["username"], agent["password"])
    expect_signed_in(page, agent["name"], "agent")
    page.reload()
    expect_signed_in(page, agent["name"], "agent")


def session_expires_in_ms(page: Page) -> int:
    expires_at = page.evaluate("JSON.parse(sessionStorage.getItem('agentdesk.session')).expiresAt")
    return int(expires_at - page.evaluate("Date.now()"))


def is_refresh(request: Request) -> bool:
    return request.method == "POST" and "REFRESH_TOKEN_AUTH" in (request.post_data or "")


def test_tokens_are_renewed_before_they_expire(page: Page, stack: Any) -> None:
    page.clock.install()
    agent = stack.users["agent"][0]
    sign_in(page, agent["username"], agent["password"])
    expect_signed_in(page, agent["name"], "agent")
    with page.expect_response(lambda response: is_refresh(response.request)) as renewal:
        page.clock.fast_forward(session_expires_in_ms(page) - 5 * 60_000 + 1_000)
    assert renewal.value.status == 200
    expect(page.get_by_role("banner").locator(".user__name")).to_have_text(agent["name"])
    expect(page.get_by_role("banner").locator(".connection")).to_have_attribute("data-state", "connected")


def test_a_session_that_cannot_be_renewed_returns_to_sign_in_when_it_expires(page: Page, stack: Any) -> None:
    def refuse_renewal(route: Route) -> None:
        if not is_refresh(route.request):
            route.continue_()
            return
        route.fulfill(
            status=400,
            headers={"Access-Control-Allow-Origin": "*"},
            content_type="application/x-amz-json-1.1",
            body=json.dumps({"__type": "NotAuthorizedException", "message": "Refresh Token has been revoked"}),
        )

    page.route(stack.config["cognito"]["endpoint"], refuse_renewal)
    page.clock.install()
    agent = stack.users["agent"][0]
    sign_in(page, agent["username"], agent["password"])
    expect_signed_in(page, agent["name"], "agent")
    with page.expect_response(lambda response: is_refresh(response.request)):
        page.clock.fast_forward(session_expires_in_ms(page) - 5 * 60_000 + 1_000)
    expect_signed_in(page, agent["name"], "agent")
    page.clock.fast_forward(5 * 60_000)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Your session has expired. Sign in again.")
    assert page.evaluate("sessionStorage.length") == 0


def test_first_sign_in_with_a_temporary_password_asks_for_a_new_one(page: Page, stack: Any) -> None:
    cognito = boto3.client("cognito-idp", endpoint_url=stack.aws_endpoint, region_name=stack.config["region"])
    pool_id = stack.config["cognito"]["userPoolId"]
    username = f"newhire{uuid.uuid4().hex[:8]}"
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword="Temp-pass-2026!",
        UserAttributes=[{"Name": "name", "Value": "Nia Newhire"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName="agents")

    sign_in(page, username, "Temp-pass-2026!")
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("Own-pass-2026!")
    page.get_by_label("Confirm new password").fill("Own-pass-2026?")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The two passwords do not match.")
    page.get_by_label("Confirm new password").fill("Own-pass-2026!")
    page.get_by_role("button", name="Set password and sign in").click()
    expect_signed_in(page, "Nia Newhire", "agent")
