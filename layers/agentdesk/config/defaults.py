"""The configuration a new installation starts with, and the demo setup of the local stack.

`install_defaults()` creates the default pause codes (defined once, in `agents.domain.pause_codes`) that
do not exist yet; `seed_demo(...)` does that too and adds a realistic contact centre around the demo users
the local stack created in Cognito. Both are idempotent: items have fixed ids, and an item that exists (or
whose name is taken) is left as it is, so they can run on every start.

Ids of the defaults never change: an installation that has a code keeps it as it is (an admin may have
relabelled it), so there is nothing to migrate and nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

from agentdesk.agents.domain.pause_codes import DEFAULT_PAUSE_CODES
from agentdesk.config import store
from agentdesk.config.contracts import (
    CannedMessageInput,
    DispositionSetInput,
    IntegrationInput,
    PauseCodeInput,
    QueueInput,
    SiteInput,
    SkillInput,
    TagInput,
    TeamInput,
    UserInput,
    WorkspaceSettingsInput,
)
from agentdesk.config.domain.rules import (
    SETTINGS_ID,
    Kind,
    PauseStatus,
    key_hash,
    key_prefix,
    references_of,
)
from agentdesk.config.service import new_integration_key
from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.kernel.events import SYSTEM, Actor
from agentdesk.kernel.identity import Role


def _put(kind: Kind, item_id: str, document: dict[str, Any], actor: Actor) -> bool:
    """Create the item unless it (or its name) exists; True when created."""
    if store.get(kind, item_id) is not None:
        return False
    try:
        store.create(kind, item_id, document, actor, references_of(kind, document))
    except AgentDeskError as exc:
        if exc.code is ErrorCode.CONFLICT:  # the id or the name is taken: the installation has its own
            return False
        raise
    return True


def install_defaults(actor: Actor = SYSTEM) -> list[str]:
    """Create the default pause codes that are missing; returns the ids created."""
    created = []
    for code in DEFAULT_PAUSE_CODES.values():
        body = PauseCodeInput(label=code.label, status=PauseStatus(code.status.value), productive=code.productive)
        if _put(Kind.PAUSE_CODE, code.id, body.model_dump(mode="json") | {"system": code.system}, actor):
            created.append(code.id)
    return created


@dataclass(frozen=True)
class DemoUser:
    """A demo user the local stack created in Cognito."""

    user_id: str  # the Cognito `sub`: the id of the user's profile and of their agent state
    username: str
    name: str
    email: str
    role: Role


@dataclass
class DemoSetup:
    """What `seed_demo` left in place: ids by kind, and a fresh integration key when one was created."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    created: int = 0
    integration_key: str | None = None


SITES = (
    ("site-london", "London", "Europe/London"),
    ("site-new-york", "New York", "America/New_York"),
    ("site-madrid", "Madrid", "Europe/Madrid"),
)
SKILLS = (
    ("skill-billing", "Billing", "Invoices, payments and refunds."),
    ("skill-technical", "Technical Support", "Set-up, faults and troubleshooting."),
    ("skill-sales", "Sales", "New contracts, upgrades and renewals."),
    ("skill-spanish", "Spanish", "Serves customers in Spanish."),
)
DISPOSITION_SETS: tuple[tuple[str, str, dict[str, list[str]]], ...] = (
    (
        "dispositions-service",
        "Customer service",
        {
            "Success": ["Resolved", "Information provided"],
            "Unsure": ["Follow-up needed", "Escalated"],
            "Fail": ["Not resolved", "Customer left"],
        },
    ),
    (
        "dispositions-sales",
        "Sales",
        {
            "Success": ["Sale", "Upgrade"],
            "Unsure": ["Callback requested", "Sent an offer"],
            "Fail": ["Not interested", "Do not contact"],
        },
    ),
)
# (id, name, required skill, disposition set, SLA target seconds)
QUEUES: tuple[tuple[str, str, str | None, str, int], ...] = (
    ("queue-general", "General", None, "dispositions-service", 30),
    ("queue-billing", "Billing", "skill-billing", "dispositions-service", 20),
    ("queue-technical", "Technical Support", "skill-technical", "dispositions-service", 45),
    ("queue-sales", "Sales", "skill-sales", "dispositions-sales", 15),
    ("queue-spanish", "Spanish", "skill-spanish", "dispositions-service", 30),
)
# The topics the public chat page offers: queue id -> the customer-facing label (every demo queue takes chats)
CHAT_TOPICS: dict[str, str] = {
    "queue-general": "General question",
    "queue-billing": "Billing and payments",
    "queue-technical": "Technical support",
    "queue-sales": "Sales",
    "queue-spanish": "En español",
}
TEAMS = (
    ("team-care", "Customer Care", "Billing, technical and Spanish-speaking service."),
    ("team-sales", "Sales & Retention", "Inbound sales and retention offers."),
)
# Skills of the demo agents, in turn: (skill id, proficiency 1-5)
SKILL_PROFILES: tuple[tuple[tuple[str, int], ...], ...] = (
    (("skill-billing", 5), ("skill-technical", 3)),
    (("skill-technical", 5), ("skill-billing", 2)),
    (("skill-sales", 5), ("skill-spanish", 4)),
    (("skill-spanish", 5), ("skill-billing", 3), ("skill-sales", 2)),
    (("skill-sales", 4), ("skill-technical", 2)),
)
# (id, title, body, queue or None for every queue)
CANNED_MESSAGES: tuple[tuple[str, str, str, str | None], ...] = (
    (
        "canned-greeting",
        "Greeting",
        "Hi {{contact.firstName}}, thanks for getting in touch. I'm {{agent.firstName}} — how can I help?",
        None,
    ),
    ("canned-hold", "Checking", "Thanks for waiting, {{contact.firstName}}. I'm checking that for you now.", None),
    (
        "canned-closing",
        "Closing",
        "Is there anything else I can help with today, {{contact.firstName}}? Have a great day!",
        None,
    ),
    (
        "canned-billing-account",
        "Account found",
        "I've found your account {{contact.accountNumber}}, {{contact.fullName}}. Let's look at the invoice.",
        "queue-billing",
    ),
    (
        "canned-spanish-greeting",
        "Saludo",
        "Hola {{contact.firstName}}, gracias por contactarnos. Soy {{agent.firstName}}, ¿en qué puedo ayudarle?",
        "queue-spanish",
    ),
)

# (id, label, colour, description): the tags agents pick in a conversation
TAGS: tuple[tuple[str, str, str, str], ...] = (
    ("tag-vip", "VIP", "purple", "A customer of the VIP programme."),
    ("tag-complaint", "Complaint", "red", "The customer is complaining about the service or a product."),
    ("tag-refund", "Refund", "amber", "A refund was asked for or given."),
    ("tag-follow-up", "Follow-up", "blue", "Someone has to get back to the customer."),
    ("tag-escalated", "Escalated", "orange", "Handed to a supervisor or a second-line team."),
)


def seed_demo(users: Sequence[DemoUser], *, actor: Actor = SYSTEM) -> DemoSetup:
    """Create the demo contact centre around `users` (the demo users of the local stack's Cognito).

    Creates the default pause codes; three sites (London, New York, Madrid) with their time zones; skills
    Billing, Technical Support, Sales and Spanish; two disposition sets; a General queue (the settings'
    fallback) and one queue per skill; canned messages using contact variables; tags (VIP, Complaint,
    Refund, Follow-up, Escalated); the settings; a demo integration; and a profile for every user.
    Supervisors (then admins, if there are no supervisors) are spread over the teams Customer Care and
    Sales & Retention as their supervisors; agents are spread over the teams and sites in turn and get
    skill profiles in turn. Users' profiles are written to the
    config table only — their Cognito accounts and groups must already exist.

    Idempotent: what exists is kept (including profiles edited since). `integration_key` is set only
    when the demo integration is created by this call (keys are shown once).
    """
    setup = DemoSetup()

    def put(kind: Kind, item_id: str, document: dict[str, Any]) -> None:
        setup.ids.setdefault(kind.value, []).append(item_id)
        setup.created += _put(kind, item_id, document, actor)

    setup.created += len(install_defaults(actor))
    setup.ids[Kind.PAUSE_CODE.value] = list(DEFAULT_PAUSE_CODES)
    for site_id, name, zone in SITES:
        put(Kind.SITE, site_id, SiteInput(name=name, timeZone=zone).model_dump(mode="json"))
    for skill_id, name, description in SKILLS:
        put(Kind.SKILL, skill_id, SkillInput(name=name, description=description).model_dump(mode="json"))
    for set_id, name, outcomes in DISPOSITION_SETS:
        body = DispositionSetInput.model_validate({"name": name, "outcomes": outcomes})
        put(Kind.DISPOSITION_SET, set_id, body.model_dump(mode="json"))
    for queue_id, name, required_skill, dispositions, sla in QUEUES:
        queue = QueueInput(
            name=name,
            requiredSkillId=required_skill,
            dispositionSetId=dispositions,
            slaTargetSeconds=sla,
            webChat=queue_id in CHAT_TOPICS,
            topicLabel=CHAT_TOPICS.get(queue_id),
        )
        put(Kind.QUEUE, queue_id, queue.model_dump(mode="json"))
    settings = WorkspaceSettingsInput(
        generalQueueId="queue-general", defaultDispositionSetId="dispositions-service", defaultTimeZone="Europe/London"
    )
    put(Kind.SETTINGS, SETTINGS_ID, settings.model_dump(mode="json"))
    for message_id, title, text, only_in in CANNED_MESSAGES:
        message = CannedMessageInput(title=title, body=text, queueId=only_in)
        put(Kind.CANNED_MESSAGE, message_id, message.model_dump(mode="json"))
    for tag_id, label, color, description in TAGS:
        tag = TagInput(label=label, color=color, description=description)
        put(Kind.TAG, tag_id, tag.model_dump(mode="json"))

    supervisors = [u for u in users if u.role is Role.SUPERVISOR] or [u for u in users if u.role is Role.ADMIN]
    for user in (u for u in users if u.role is not Role.AGENT):
        put(Kind.USER, user.user_id, _profile(user, site_id="site-london"))
    for index, (team_id, name, description) in enumerate(TEAMS):
        leads = [s.user_id for s in supervisors[index :: len(TEAMS)]] or [s.user_id for s in supervisors[:1]]
        team = TeamInput(name=name, description=description, supervisorIds=leads)
        put(Kind.TEAM, team_id, team.model_dump(mode="json"))
    agents = [u for u in users if u.role is Role.AGENT]
    teams, sites, profiles = cycle(TEAMS), cycle(SITES), cycle(SKILL_PROFILES)
    for agent in agents:
        skills = [{"skillId": skill, "proficiency": level} for skill, level in next(profiles)]
        site_id = next(sites)[0]
        outbound = "queue-sales" if any(s["skillId"] == "skill-sales" for s in skills) else None
        # the general queue, and the queue of each skill the agent has
        skilled = {s["skillId"] for s in skills}
        queue_ids = [queue_id for queue_id, _, skill, _, _ in QUEUES if skill is None or skill in skilled]
        profile = _profile(
            agent, team_id=next(teams)[0], site_id=site_id, skills=skills, outbound=outbound, queue_ids=queue_ids
        )
        put(Kind.USER, agent.user_id, profile)

    key = new_integration_key()
    integration = IntegrationInput(name="Demo channel connector", description="Traffic simulator and voice.")
    document = integration.model_dump(mode="json") | {"keyHash": key_hash(key), "keyPrefix": key_prefix(key)}
    setup.ids[Kind.INTEGRATION.value] = ["integration-demo"]
    if _put(Kind.INTEGRATION, "integration-demo", document, actor):
        setup.created += 1
        setup.integration_key = key
    return setup


def _profile(
    user: DemoUser,
    *,
    team_id: str | None = None,
    site_id: str | None = None,
    skills: list[dict[str, Any]] | None = None,
    outbound: str | None = None,
    queue_ids: list[str] | None = None,
) -> dict[str, Any]:
    profile = UserInput.model_validate(
        {
            "name": user.name,
            "email": user.email,
            "role": user.role.value,
            "teamId": team_id,
            "siteId": site_id,
            "skills": skills or [],
            "outboundQueueId": outbound,
            "queueIds": queue_ids or [],
        }
    )
    return profile.model_dump(mode="json") | {"username": user.username}
