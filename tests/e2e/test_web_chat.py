"""A customer and an agent chat in real browsers against the local stack: the customer opens /chat, the agent
(Available on the workspace) accepts the offer, they write to each other, the agent adds a note and a tag,
ends, and submits the disposition form (prefilled, with its countdown) while the customer rates the chat;
Most Recent Activity and today's counters show it. And the timeout path: the agent lets wrap-up run out,
Most Recent Activity shows "No agent submission", and the agent completes it later.

The agent and the queues are the test's own (created through the config API as the demo admin), so no other
test's agent is ever offered these chats and this agent is never offered theirs."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from agentdesk.interactions import ws as _interaction_actions  # noqa: F401 - registers the actions
from agentdesk.realtime.dispatch import ACTIONS
from infra.local.provision import table_name

pytestmark = pytest.mark.e2e

AGENT_USERNAME = "e2e-chat-agent"
AGENT_NAME = "Chloe Chatwell"
AGENT_PASSWORD = "E2e-Chat-agent-2026!"
SECOND_USERNAME = "e2e-chat-agent-2"
SECOND_NAME = "Toby Transferee"
CHAT_QUEUE = "E2E web chat"
TIMEOUT_QUEUE = "E2E web chat timeout"
SECOND_QUEUE = "E2E web chat second line"  # the second agent's own: no chat is ever opened in it
TRANSFER_BUILT = "transfer" in ACTIONS
MIN_WRAP_UP_SECONDS = 10  # the least the config API takes for a queue's wrapUpTimeoutSeconds


@dataclass(frozen=True)
class Agent:
    username: str
    name: str
    agent_id: str
    queue_ids: tuple[str, ...]


@dataclass(frozen=True)
class Setup:
    agent: Agent
    second: Agent
    chat_queue: str
    timeout_queue: str


def _admin(stack: Any) -> httpx.Client:
    token = stack.token("ada")
    return httpx.Client(base_url=f"{stack.base_url}/api", headers={"Authorization": f"Bearer {token}"}, timeout=15)


def _queue(api: httpx.Client, name: str, **fields: Any) -> str:
    for queue in api.get("/queues", params={"limit": 100}).json()["items"]:
        if queue["name"] == name:
            return str(queue["id"])
    answer = api.post("/queues", json={"name": name, "dispositionsEnabled": True, "webChat": True, **fields})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _agent(api: httpx.Client, username: str, name: str, queue_ids: tuple[str, ...]) -> Agent:
    users = api.get("/users", params={"limit": 100}).json()["items"]
    found = next((u for u in users if u.get("username") == username), None)
    if found is None:
        answer = api.post(
            "/users",
            json={
                "username": username,
                "name": name,
                "email": f"{username}@e2e.agentdesk.example",
                "role": "agent",
                "queueIds": list(queue_ids),
                "password": AGENT_PASSWORD,
                "permanentPassword": True,
                "sendInvitation": False,
            },
        )
        assert answer.status_code == 201, answer.text
        found = answer.json()
    return Agent(username, name, str(found["id"]), queue_ids)


@pytest.fixture(scope="module")
def setup(stack: Any) -> Iterator[Setup]:
    with _admin(stack) as api:
        chat_queue = _queue(api, CHAT_QUEUE, wrapUpTimeoutSeconds=300)
        timeout_queue = _queue(api, TIMEOUT_QUEUE, wrapUpTimeoutSeconds=MIN_WRAP_UP_SECONDS)
        second_queue = _queue(api, SECOND_QUEUE)
        agent = _agent(api, AGENT_USERNAME, AGENT_NAME, (chat_queue, timeout_queue))
        second = _agent(api, SECOND_USERNAME, SECOND_NAME, (second_queue,))
    yield Setup(agent, second, chat_queue, timeout_queue)


# --- the agent's side ---------------------------------------------------------------------------------------


def open_workspace_available(page: Page, stack: Any, agent: Agent) -> None:
    """Sign in as one of the test's agents and go Available; returns once routing can offer them their queues."""
    page.goto("/")
    page.get_by_label("Username", exact=True).fill(agent.username)
    page.get_by_label("Password", exact=True).fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner").locator(".connection")).to_have_attribute("data-state", "connected")
    bar = page.get_by_role("region", name="Your status")
    badge = bar.locator(".status-badge")
    expect(badge).to_be_visible()
    log_in = bar.get_by_role("button", name="Log in")
    available = bar.get_by_role("button", name="Available")
    if log_in.is_visible():
        log_in.click()
    elif available.is_enabled():
        available.click()
    expect(badge).to_have_text("Available")
    # Routing offers work from its read model, kept from the event stream: wait until it has the agent
    # routable in both queues, so the chat is offered at once instead of waiting in the queue.
    routing = boto3.resource(
        "dynamodb",
        endpoint_url=stack.aws_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).Table(table_name("routing"))
    deadline = time.monotonic() + 30
    for queue_id in agent.queue_ids:
        while True:
            row = routing.get_item(Key={"pk": f"queue#{queue_id}", "sk": agent.agent_id}, ConsistentRead=True)
            if row.get("Item", {}).get("routable"):
                break
            assert time.monotonic() < deadline, f"routing never had {agent.username} routable in {queue_id}"
            time.sleep(0.1)


def performance(page: Page) -> dict[str, Locator]:
    bar = page.get_by_role("region", name="Today's performance")
    return {
        key: bar.locator(f".performance__item--{key} dd")
        for key in ("interactions", "successful", "unsure", "failed", "handle")
    }


def counters(page: Page) -> dict[str, int]:
    """Today's counters once listed (a number, not the placeholder)."""
    shown = performance(page)
    expect(shown["interactions"]).to_have_text(re.compile(r"^\d+$"))
    return {key: int(shown[key].inner_text()) for key in ("interactions", "successful", "unsure", "failed")}


def recent_row(page: Page, customer: str) -> Locator:
    table = page.get_by_role("region", name="Most recent activity").get_by_role("table")
    return table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=customer))


def accept_offer(agent: Page, customer: str) -> Locator:
    """Accept the offer of the customer's chat; returns the conversation panel."""
    offer = agent.get_by_role("region", name="Offers").get_by_role("article", name=customer)
    expect(offer).to_be_visible()
    expect(offer.get_by_role("timer")).to_have_text(re.compile(r"^\d+s$"))
    offer.get_by_role("button", name="Accept").click()
    expect(offer).to_have_count(0)
    tab = agent.get_by_role("tablist", name="Conversations").get_by_role("tab", name=customer)
    expect(tab).to_have_attribute("aria-selected", "true")
    panel = agent.get_by_role("tabpanel", name=customer)
    expect(panel.get_by_role("heading", name=customer)).to_be_visible()
    return panel


def end_conversation(panel: Locator) -> None:
    panel.get_by_role("group", name="Conversation actions").get_by_role("button", name="End").click()
    panel.get_by_role("group", name="End this conversation?").get_by_role("button", name="End").click()


# --- the customer's side ------------------------------------------------------------------------------------


def start_chat(page: Page, queue_id: str, name: str) -> None:
    page.goto(f"/chat?queue={queue_id}")
    expect(page.get_by_role("heading", name="How can we help?")).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Start chat").click()
    expect(page.get_by_role("heading", name="Waiting for an agent…")).to_be_visible()


def expect_messages(log: Locator, texts: list[str]) -> None:
    """The log shows exactly these messages, in this order (none twice, none pending)."""
    expect(log.locator("li.message .message__text")).to_have_text(texts)
    expect(log.locator("li.message--pending")).to_have_count(0)


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:6]}"


# --- the tests ----------------------------------------------------------------------------------------------


def test_customer_and_agent_chat_then_disposition_and_rating(
    new_page: Callable[[], Page], stack: Any, setup: Setup
) -> None:
    customer_name = unique("Dana Customer")
    agent = new_page()
    open_workspace_available(agent, stack, setup.agent)
    before = counters(agent)

    customer = new_page()
    start_chat(customer, setup.chat_queue, customer_name)

    panel = accept_offer(agent, customer_name)
    expect(customer.get_by_role("heading", name=f"Chatting with {AGENT_NAME}")).to_be_visible()

    agent_log = panel.get_by_role("log", name=f"Messages with {customer_name}")
    customer_log = customer.get_by_role("log", name="Messages")
    customer_box = customer.get_by_label("Your message")
    agent_box = panel.get_by_label(f"Message to {customer_name}")

    customer_box.fill("Hello, my invoice is wrong.")
    customer_box.press("Enter")
    expect_messages(agent_log, ["Hello, my invoice is wrong."])
    agent_box.fill("Sorry to hear that — let me check.")
    agent_box.press("Enter")
    # each side writes once it has read the other: the order is then the conversation's, however loaded the machine
    expect_messages(customer_log, ["Hello, my invoice is wrong.", "Sorry to hear that — let me check."])
    customer_box.fill("It is invoice 1042.")
    customer.get_by_role("button", name="Send").click()
    conversation = ["Hello, my invoice is wrong.", "Sorry to hear that — let me check.", "It is invoice 1042."]
    expect_messages(agent_log, conversation)
    agent_box.fill("Found it, I have corrected it.")
    panel.get_by_role("button", name="Send").click()
    conversation.append("Found it, I have corrected it.")
    expect_messages(agent_log, conversation)
    expect_messages(customer_log, conversation)
    expect(customer_log.locator("li.message--own .message__author")).to_have_text(["You", "You"])
    expect(customer_log.locator("li.message--other .message__author")).to_have_text([AGENT_NAME, AGENT_NAME])

    # A reload keeps the conversation (the tab's copy, caught up with the server's on connecting), once.
    customer.reload()
    expect(customer.get_by_role("heading", name=f"Chatting with {AGENT_NAME}")).to_be_visible()
    agent_box.fill("Anything else?")
    agent_box.press("Enter")
    conversation.append("Anything else?")
    expect_messages(customer_log, conversation)
    expect_messages(agent_log, conversation)

    panel.get_by_label("Add a note").fill("Invoice 1042 corrected.")
    panel.get_by_role("button", name="Add note").click()
    expect(panel.locator(".notes li p")).to_have_text(["Invoice 1042 corrected."])
    panel.get_by_label("Add a tag").fill("Refund")
    panel.get_by_role("button", name="Add", exact=True).click()
    expect(panel.locator(".tag-editor .chip")).to_have_count(1)
    expect(panel.get_by_role("button", name="Remove tag Refund")).to_be_visible()

    end_conversation(panel)
    form = panel.get_by_role("form", name="Disposition")
    expect(form).to_be_visible()
    expect(form.get_by_role("timer")).to_contain_text("left")
    expect(form.get_by_label("Notes")).to_have_value("Invoice 1042 corrected.")
    expect(form.locator(".chip")).to_have_count(1)
    expect(form.get_by_role("button", name="Remove tag Refund")).to_be_visible()
    expect(agent.get_by_role("region", name="Your status").locator(".status-badge")).to_have_text("Busy")

    # The customer sees the end and rates the chat meanwhile.
    expect(customer.get_by_text("The chat has ended.")).to_be_attached()
    expect(customer.get_by_label("Your message")).to_have_count(0)
    customer.locator("label.star").filter(has_text="5 stars: Excellent").click()
    expect(customer.get_by_role("radio", name="5 stars: Excellent")).to_be_checked()
    customer.get_by_label("Comment").fill("Quick and kind.")
    customer.get_by_role("button", name="Send rating").click()
    expect(customer.get_by_text("Thank you for your feedback.")).to_be_visible()

    form.get_by_text("Success", exact=True).click()
    form.get_by_label("Outcome").select_option("Resolved")
    form.get_by_role("button", name="Submit disposition").click()
    expect(panel).to_have_count(0)  # closed: the tab goes
    expect(agent.get_by_role("region", name="Your status").locator(".status-badge")).to_have_text("Available")

    row = recent_row(agent, customer_name)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text("Success Resolved")
    expect(row.locator(".recent__notes")).to_have_text("Invoice 1042 corrected.")
    expect(row.locator(".chip")).to_have_text(["Refund"])
    expect(row.get_by_role("button", name="Complete")).to_have_count(0)
    shown = performance(agent)
    expect(shown["interactions"]).to_have_text(str(before["interactions"] + 1))
    expect(shown["successful"]).to_have_text(str(before["successful"] + 1))
    expect(shown["unsure"]).to_have_text(str(before["unsure"]))
    expect(shown["failed"]).to_have_text(str(before["failed"]))


def test_wrap_up_runs_out_and_the_agent_completes_the_disposition_later(
    new_page: Callable[[], Page], stack: Any, setup: Setup
) -> None:
    customer_name = unique("Tim Timeout")
    agent = new_page()
    open_workspace_available(agent, stack, setup.agent)
    before = counters(agent)

    customer = new_page()
    start_chat(customer, setup.timeout_queue, customer_name)
    panel = accept_offer(agent, customer_name)
    customer_box = customer.get_by_label("Your message")
    customer_box.fill("Are you there?")
    customer_box.press("Enter")
    expect_messages(panel.get_by_role("log", name=f"Messages with {customer_name}"), ["Are you there?"])

    end_conversation(panel)
    form = panel.get_by_role("form", name="Disposition")
    expect(form.get_by_role("timer")).to_be_visible()
    expect(customer.get_by_text("The chat has ended.")).to_be_attached()

    # Nobody submits: the wrap-up timer records "Unsure - No agent submission" and the agent is Available.
    expect(panel).to_have_count(0, timeout=MIN_WRAP_UP_SECONDS * 1000 + 15_000)
    expect(agent.locator(".desk__notice")).to_contain_text(f"Wrap-up time ran out for {customer_name}")
    row = recent_row(agent, customer_name)
    expect(row.locator("td").nth(2)).to_contain_text("Unsure No agent submission")
    expect(row.locator("td").nth(2)).to_contain_text("Automatic")
    expect(agent.get_by_role("region", name="Your status").locator(".status-badge")).to_have_text("Available")
    shown = performance(agent)
    expect(shown["interactions"]).to_have_text(str(before["interactions"] + 1))
    expect(shown["unsure"]).to_have_text(str(before["unsure"] + 1))

    row.get_by_role("button", name="Complete").click()
    dialog = agent.get_by_role("dialog", name=f"Disposition: {customer_name}")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Recorded automatically as")).to_be_visible()
    dialog.get_by_text("Fail", exact=True).click()
    dialog.get_by_label("Outcome").select_option("Customer left")
    dialog.get_by_role("button", name="Submit disposition").click()
    expect(dialog).to_have_count(0)

    expect(row.locator("td").nth(2)).to_have_text("Fail Customer left")
    expect(row.get_by_role("button", name="Complete")).to_have_count(0)
    expect(shown["interactions"]).to_have_text(str(before["interactions"] + 1))
    expect(shown["unsure"]).to_have_text(str(before["unsure"]))
    expect(shown["failed"]).to_have_text(str(before["failed"] + 1))


@pytest.mark.skipif(not TRANSFER_BUILT, reason="the backend has no transfer action yet")
def test_blind_transfer_to_another_agent_who_then_dispositions(
    new_page: Callable[[], Page], stack: Any, setup: Setup
) -> None:
    customer_name = unique("Tess Transfer")
    first = new_page()
    open_workspace_available(first, stack, setup.agent)
    second = new_page()
    open_workspace_available(second, stack, setup.second)
    before = counters(second)

    customer = new_page()
    start_chat(customer, setup.chat_queue, customer_name)
    panel = accept_offer(first, customer_name)
    expect(customer.get_by_role("heading", name=f"Chatting with {AGENT_NAME}")).to_be_visible()
    customer_box = customer.get_by_label("Your message")
    customer_box.fill("I would like a refund.")
    customer_box.press("Enter")
    expect_messages(panel.get_by_role("log", name=f"Messages with {customer_name}"), ["I would like a refund."])
    first_box = panel.get_by_label(f"Message to {customer_name}")
    first_box.fill("I will pass you to a colleague.")
    first_box.press("Enter")
    conversation = ["I would like a refund.", "I will pass you to a colleague."]
    expect_messages(panel.get_by_role("log", name=f"Messages with {customer_name}"), conversation)

    panel.get_by_role("group", name="Conversation actions").get_by_role("button", name="Transfer").click()
    dialog = first.get_by_role("dialog", name=f"Transfer {customer_name}")
    target = dialog.get_by_role("radio", name=SECOND_NAME)
    expect(target).to_be_visible()
    expect(dialog.locator("label.choice").filter(has_text=SECOND_NAME).locator(".status-badge")).to_have_text(
        "Available"
    )
    target.check()
    expect(dialog.get_by_role("radio", name="Transfer now")).to_be_checked()
    dialog.get_by_label("Note for the next agent (optional)").fill("Wants a refund for invoice 1042.")
    dialog.get_by_role("button", name="Transfer now").click()
    expect(dialog).to_have_count(0)
    expect(panel).to_have_count(0)
    expect(first.locator(".desk__notice")).to_contain_text(f"The conversation with {customer_name} was transferred.")

    moved = accept_offer(second, customer_name)
    second_log = moved.get_by_role("log", name=f"Messages with {customer_name}")
    expect_messages(second_log, conversation)
    expect(moved.locator(".notes li p")).to_contain_text(["Wants a refund for invoice 1042."])
    expect(customer.get_by_role("heading", name=f"Chatting with {SECOND_NAME}")).to_be_visible()

    second_box = moved.get_by_label(f"Message to {customer_name}")
    second_box.fill("Hi, I have issued the refund.")
    second_box.press("Enter")
    expect_messages(customer.get_by_role("log", name="Messages"), [*conversation, "Hi, I have issued the refund."])
    customer_box.fill("Thank you!")
    customer_box.press("Enter")
    conversation += ["Hi, I have issued the refund.", "Thank you!"]
    expect_messages(second_log, conversation)
    expect_messages(customer.get_by_role("log", name="Messages"), conversation)

    end_conversation(moved)
    form = moved.get_by_role("form", name="Disposition")
    expect(form.get_by_role("timer")).to_be_visible()
    expect(form.get_by_label("Notes")).to_have_value(re.compile("Wants a refund for invoice 1042."))
    expect(customer.get_by_text("The chat has ended.")).to_be_attached()
    form.get_by_text("Success", exact=True).click()
    form.get_by_label("Outcome").select_option("Information provided")
    form.get_by_role("button", name="Submit disposition").click()
    expect(moved).to_have_count(0)

    row = recent_row(second, customer_name)
    expect(row.locator("td").nth(2)).to_have_text("Success Information provided")
    shown = performance(second)
    expect(shown["interactions"]).to_have_text(str(before["interactions"] + 1))
    expect(shown["successful"]).to_have_text(str(before["successful"] + 1))


LIST_TIMEOUT_MS = 20_000
PUSH_TIMEOUT_MS = 10_000  # a third of the wallboard's 30 s list read: what passes within it came by push


def test_a_supervisor_reads_the_conversation_live_on_the_wallboard(
    new_page: Callable[[], Page], stack: Any, setup: Setup
) -> None:
    from infra.local.seed import DEMO_PASSWORD

    customer_name = unique("Wanda Watched")
    agent = new_page()
    open_workspace_available(agent, stack, setup.agent)
    customer = new_page()
    start_chat(customer, setup.chat_queue, customer_name)
    panel = accept_offer(agent, customer_name)
    customer_box = customer.get_by_label("Your message")
    customer_box.fill("Is anyone listening?")
    customer_box.press("Enter")
    agent_log = panel.get_by_role("log", name=f"Messages with {customer_name}")
    expect_messages(agent_log, ["Is anyone listening?"])

    # Ada (an admin: every agent is hers) opens the wallboard and the conversation's transcript.
    supervisor = new_page()
    supervisor.goto("/")
    supervisor.get_by_label("Username", exact=True).fill("ada")
    supervisor.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    supervisor.get_by_role("button", name="Sign in").click()
    expect(supervisor.get_by_role("banner").locator(".connection")).to_have_attribute("data-state", "connected")
    supervisor.goto("/#/wallboard")
    expect(supervisor.get_by_role("heading", name="Wallboard")).to_be_visible()
    board = supervisor.get_by_role("region", name="Conversations")
    row = board.locator(".conversation-row").filter(has_text=customer_name)
    # The list is read when the panel opens: allow a slow first read on a loaded machine.
    try:
        expect(row).to_have_count(1, timeout=LIST_TIMEOUT_MS)
    except AssertionError as missing:
        raise AssertionError(f"{missing}\nthe panel shows: {board.inner_text(timeout=1_000)!r}") from None
    expect(row).to_contain_text(AGENT_NAME)
    expect(row).to_contain_text("Active")
    row.get_by_role("button").click()
    transcript = board.get_by_role("region", name=f"Conversation with {customer_name}")
    expect(transcript).to_contain_text("Live, read-only")
    log = transcript.get_by_role("log", name=f"Messages with {customer_name}")
    expect(log.locator("li.message .message__text")).to_have_text(["Is anyone listening?"])
    expect(transcript.get_by_role("textbox")).to_have_count(0)  # read-only: nothing to write with

    # What either side writes now reaches the supervisor as it is sent.
    agent_box = panel.get_by_label(f"Message to {customer_name}")
    agent_box.fill("Yes, I am here.")
    agent_box.press("Enter")
    expect_messages(customer.get_by_role("log", name="Messages"), ["Is anyone listening?", "Yes, I am here."])
    customer_box.fill("Great, thanks.")
    customer_box.press("Enter")
    conversation = ["Is anyone listening?", "Yes, I am here.", "Great, thanks."]
    expect_messages(agent_log, conversation)
    expect(log.locator("li.message .message__text")).to_have_text(conversation)

    transcript.get_by_role("button", name=re.compile("^Close")).click()
    expect(transcript).to_have_count(0)
    # The row follows the conversation by pushes (the list is read again only every 30 s).
    end_conversation(panel)
    expect(row).to_contain_text("Wrap-up", timeout=PUSH_TIMEOUT_MS)
    form = panel.get_by_role("form", name="Disposition")
    form.get_by_text("Success", exact=True).click()
    form.get_by_label("Outcome").select_option("Resolved")
    form.get_by_role("button", name="Submit disposition").click()
    expect(panel).to_have_count(0)
    expect(row).to_have_count(0, timeout=PUSH_TIMEOUT_MS)  # closed: no longer open
