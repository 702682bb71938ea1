"""The rules of the configuration an admin maintains, as pure functions over plain documents.

What a config item may refer to (a queue's skill, an agent's team), what refers to it (so a delete can be
refused with a reason), which names must be unique, which time zones and message variables exist, and the
fixed parts other rules rely on (system pause codes, the system disposition outcome). No I/O: the store
loads the documents, these functions decide.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agentdesk.kernel.identity import Role, at_least


class Kind(StrEnum):
    """The kinds of config item; the value is the partition key of the config table."""

    USER = "user"
    TEAM = "team"
    SITE = "site"
    SKILL = "skill"
    QUEUE = "queue"
    PAUSE_CODE = "pauseCode"
    DISPOSITION_SET = "dispositionSet"
    CANNED_MESSAGE = "cannedMessage"
    INTEGRATION = "integration"
    TAG = "tag"
    SETTINGS = "settings"


NOUNS: dict[Kind, str] = {
    Kind.USER: "user",
    Kind.TEAM: "team",
    Kind.SITE: "site",
    Kind.SKILL: "skill",
    Kind.QUEUE: "queue",
    Kind.PAUSE_CODE: "pause code",
    Kind.DISPOSITION_SET: "disposition set",
    Kind.CANNED_MESSAGE: "canned message",
    Kind.INTEGRATION: "integration",
    Kind.TAG: "tag",
    Kind.SETTINGS: "settings",
}

# The field that names an item of each kind, for messages and for uniqueness.
LABEL_FIELDS: dict[Kind, str] = {
    Kind.USER: "username",
    Kind.TEAM: "name",
    Kind.SITE: "name",
    Kind.SKILL: "name",
    Kind.QUEUE: "name",
    Kind.PAUSE_CODE: "label",
    Kind.DISPOSITION_SET: "name",
    Kind.CANNED_MESSAGE: "title",
    Kind.INTEGRATION: "name",
    Kind.TAG: "label",
    Kind.SETTINGS: "",
}

# Kinds whose names are unique (case and spacing ignored): people pick these from lists by name.
# Usernames are unique in Cognito; canned message titles may repeat across queues.
UNIQUE_NAMES: frozenset[Kind] = frozenset(
    {Kind.TEAM, Kind.SITE, Kind.SKILL, Kind.QUEUE, Kind.PAUSE_CODE, Kind.DISPOSITION_SET, Kind.INTEGRATION, Kind.TAG}
)

SETTINGS_ID = "settings"

# Roles that may be named as a team's supervisors.
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def label_of(kind: Kind, document: Mapping[str, Any]) -> str:
    field = LABEL_FIELDS[kind]
    return str(document.get(field) or "") if field else NOUNS[kind]


def name_key(name: str) -> str:
    """The form in which two names count as the same: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


# --- references ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """One value in a document that names another config item; `field` is its path in the body."""

    field: str
    kind: Kind
    id: str


def references_of(kind: Kind, document: Mapping[str, Any]) -> list[Reference]:
    """Every reference a document of this kind holds, with the body path of each (for 422 errors)."""
    refs: list[Reference] = []

    def add(field: str, target: Kind) -> None:
        value = document.get(field)
        if value:
            refs.append(Reference(field, target, str(value)))

    if kind is Kind.USER:
        add("teamId", Kind.TEAM)
        add("siteId", Kind.SITE)
        add("outboundQueueId", Kind.QUEUE)
        for index, queue_id in enumerate(document.get("queueIds") or ()):
            refs.append(Reference(f"queueIds.{index}", Kind.QUEUE, str(queue_id)))
        for index, level in enumerate(document.get("skills") or ()):
            refs.append(Reference(f"skills.{index}.skillId", Kind.SKILL, str(level["skillId"])))
    elif kind is Kind.TEAM:
        for index, user_id in enumerate(document.get("supervisorIds") or ()):
            refs.append(Reference(f"supervisorIds.{index}", Kind.USER, str(user_id)))
    elif kind is Kind.QUEUE:
        add("requiredSkillId", Kind.SKILL)
        add("dispositionSetId", Kind.DISPOSITION_SET)
    elif kind is Kind.CANNED_MESSAGE:
        add("queueId", Kind.QUEUE)
    elif kind is Kind.SETTINGS:
        add("generalQueueId", Kind.QUEUE)
        add("defaultDispositionSetId", Kind.DISPOSITION_SET)
    return refs


# Which kinds can hold references to a kind: what the store loads to answer "is this in use?".
REFERRERS: dict[Kind, tuple[Kind, ...]] = {
    Kind.USER: (Kind.TEAM,),
    Kind.TEAM: (Kind.USER,),
    Kind.SITE: (Kind.USER,),
    Kind.SKILL: (Kind.USER, Kind.QUEUE),
    Kind.QUEUE: (Kind.USER, Kind.CANNED_MESSAGE, Kind.SETTINGS),
    Kind.DISPOSITION_SET: (Kind.QUEUE, Kind.SETTINGS),
    Kind.PAUSE_CODE: (),
    Kind.CANNED_MESSAGE: (),
    Kind.INTEGRATION: (),
    Kind.TAG: (),
    Kind.SETTINGS: (),
}


@dataclass(frozen=True)
class Entry:
    """A stored config item as the rules see it."""

    kind: Kind
    id: str
    document: Mapping[str, Any]

    @property
    def label(self) -> str:
        return label_of(self.kind, self.document)


@dataclass(frozen=True)
class Usage:
    """One item that refers to another, and through which field."""

    kind: Kind
    id: str
    label: str
    field: str


def usages_of(kind: Kind, item_id: str, entries: Iterable[Entry]) -> list[Usage]:
    """Every entry that refers to the item (kind, item_id)."""
    found: list[Usage] = []
    for entry in entries:
        for ref in references_of(entry.kind, entry.document):
            if ref.kind is kind and ref.id == item_id and not (entry.kind is kind and entry.id == item_id):
                found.append(Usage(entry.kind, entry.id, entry.label, ref.field))
    return found


# How a referring item uses what it names, by reference field (list indexes left out), for messages.
USES: dict[str, str] = {
    "teamId": "as its team",
    "siteId": "as its site",
    "outboundQueueId": "as its outbound queue",
    "queueIds": "as one of its queues",
    "skills.skillId": "as a skill",
    "supervisorIds": "as a supervisor",
    "requiredSkillId": "as its required skill",
    "dispositionSetId": "as its disposition set",
    "queueId": "as its queue",
    "generalQueueId": "as the general queue",
    "defaultDispositionSetId": "as the default disposition set",
}


def use_of(field: str) -> str:
    """How a reference field uses its target, in words: "skills.0.skillId" -> "as a skill"."""
    return USES.get(re.sub(r"\.[0-9]+", "", field), f"in {field}")


def _named(usage: Usage) -> str:
    return "the settings" if usage.kind is Kind.SETTINGS else f'{NOUNS[usage.kind]} "{usage.label}"'


def in_use_message(kind: Kind, label: str, usages: Sequence[Usage], shown: int = 5) -> str:
    """'Skill "Billing" is used by queue "Billing" (as its required skill) and user "ann" (as a skill); ...'"""
    parts = [f"{_named(u)} ({use_of(u.field)})" for u in usages[:shown]]
    more = len(usages) - shown
    if more > 0:
        parts.append(f"{more} more")
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return f'{NOUNS[kind].capitalize()} "{label}" is used by {listed}; change or remove those first.'


def reference_problem(reference: Reference, target: Entry | None) -> str | None:
    """Why a reference cannot be accepted, or None when it can."""
    if target is None:
        return f'{reference.field}: there is no {NOUNS[reference.kind]} with id "{reference.id}".'
    if reference.kind is Kind.USER and reference.field.startswith("supervisorIds"):
        role = _role_of(target)
        if role is None or not at_least(role, Role.SUPERVISOR):
            return (
                f'{reference.field}: user "{target.label}" is {_article(role)}; '
                "team supervisors must be supervisors or admins."
            )
    return None


def role_change_blockers(user_id: str, new_role: Role, teams: Iterable[Entry]) -> list[Usage]:
    """Teams that would be left with a supervisor who no longer supervises, if the user took `new_role`."""
    if at_least(new_role, Role.SUPERVISOR):
        return []
    return usages_of(Kind.USER, user_id, (t for t in teams if t.kind is Kind.TEAM))


def users_readable_by_supervisor(supervisor_id: str, teams: Iterable[Entry], users: Iterable[Entry]) -> set[str]:
    """The users a supervisor may read: themselves, the members of the teams they supervise, and those
    teams' other supervisors (whom the team lists by id)."""
    led = [t for t in teams if t.kind is Kind.TEAM and supervisor_id in (t.document.get("supervisorIds") or [])]
    led_ids = {t.id for t in led}
    readable = {supervisor_id}
    for team in led:
        readable.update(str(s) for s in team.document.get("supervisorIds") or [])
    readable.update(u.id for u in users if u.kind is Kind.USER and u.document.get("teamId") in led_ids)
    return readable


def duplicates(values: Iterable[str]) -> list[str]:
    """Values that appear more than once (compared as names), in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        key = name_key(value)
        if key in seen and value not in repeated:
            repeated.append(value)
        seen.add(key)
    return repeated


def _role_of(entry: Entry) -> Role | None:
    try:
        return Role(str(entry.document.get("role")))
    except ValueError:
        return None


def _article(role: Role | None) -> str:
    if role is None:
        return "without a role"
    return {Role.AGENT: "an agent", Role.SUPERVISOR: "a supervisor", Role.ADMIN: "an admin"}.get(role, "not staff")


# --- sites -----------------------------------------------------------------------------------------


def is_time_zone(name: str) -> bool:
    """True for an IANA time zone name such as "Europe/Berlin" (what the midnight logoff runs on)."""
    if not name or name != name.strip() or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


# --- pause codes -----------------------------------------------------------------------------------


class PauseStatus(StrEnum):
    """The status a pause code puts an agent in."""

    AWAY = "Away"
    BUSY = "Busy"


# System pause codes: the product sets them itself, so admins can neither change nor delete them.
WRAP_UP_PAUSE_CODE_ID = "wrap-up"
DISCONNECTED_PAUSE_CODE_ID = "disconnected"
SYSTEM_PAUSE_CODE_IDS: frozenset[str] = frozenset({WRAP_UP_PAUSE_CODE_ID, DISCONNECTED_PAUSE_CODE_ID})

SYSTEM_PAUSE_CODE_USES: dict[str, str] = {
    WRAP_UP_PAUSE_CODE_ID: "the product, for wrap-up after every interaction",
    DISCONNECTED_PAUSE_CODE_ID: "the product, when an agent's last connection is lost",
}


# --- dispositions ----------------------------------------------------------------------------------


class DispositionCategory(StrEnum):
    SUCCESS = "Success"
    UNSURE = "Unsure"
    FAIL = "Fail"


# Written by the system when wrap-up times out; admins cannot use the label themselves.
NO_AGENT_SUBMISSION = "No agent submission"
AUTO_DISPOSITION = (DispositionCategory.UNSURE, NO_AGENT_SUBMISSION)


def outcome_problems(outcomes: Mapping[str, Sequence[str]]) -> list[tuple[str, str]]:
    """(field, message) for every rule a disposition set's outcomes break.

    Every category needs at least one outcome an agent can pick (the form asks for the category first);
    labels are unique across the whole set; the system outcome is reserved.
    """
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for category in DispositionCategory:
        labels = list(outcomes.get(category.value) or ())
        if not labels:
            problems.append((f"outcomes.{category.value}", f"{category.value} needs at least one outcome."))
        for index, label in enumerate(labels):
            field = f"outcomes.{category.value}.{index}"
            key = name_key(label)
            if key == name_key(NO_AGENT_SUBMISSION):
                problems.append((field, f'"{NO_AGENT_SUBMISSION}" is reserved for the system.'))
            elif key in seen:
                problems.append((field, f'"{label}" appears more than once (also in {seen[key]}).'))
            else:
                seen[key] = category.value
    return problems


# --- canned messages -------------------------------------------------------------------------------

# The variables a canned message may use; the workspace fills them from the interaction's contact.
CONTACT_VARIABLES: tuple[str, ...] = (
    "contact.firstName",
    "contact.lastName",
    "contact.fullName",
    "contact.email",
    "contact.phone",
    "contact.company",
    "contact.accountNumber",
)
OTHER_VARIABLES: tuple[str, ...] = ("agent.firstName", "agent.name", "queue.name")
TEMPLATE_VARIABLES: tuple[str, ...] = CONTACT_VARIABLES + OTHER_VARIABLES

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def template_variables(body: str) -> list[str]:
    """The variables a message uses, in order of first use."""
    found: list[str] = []
    for match in _PLACEHOLDER.finditer(body):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found


def template_problems(body: str) -> list[str]:
    """Unknown variables and braces that open or close no placeholder."""
    problems = [
        f'unknown variable "{{{{{name}}}}}"; known: {", ".join(TEMPLATE_VARIABLES)}.'
        for name in template_variables(body)
        if name not in TEMPLATE_VARIABLES
    ]
    rest = _PLACEHOLDER.sub("", body)
    if "{{" in rest or "}}" in rest:
        problems.append("a placeholder is not closed: write variables as {{contact.firstName}}.")
    return problems


def render(body: str, values: Mapping[str, str]) -> str:
    """Fill a message's variables; a variable without a value becomes empty."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), body)


def variable_values(
    contact: Mapping[str, object] | object | None, *, agent_name: str | None = None, queue_name: str | None = None
) -> dict[str, str]:
    """The value of every variable that has one, from the interaction's contact (a mapping or an object with
    the contact's camelCase fields: name, firstName, lastName, email, phone, company, accountNumber), the
    agent's name and the queue's name. A first or last name the contact lacks is taken from its `name`."""
    name = _text(contact, "fullName") or _text(contact, "name")
    first, last = _text(contact, "firstName"), _text(contact, "lastName")
    if not name:
        name = " ".join(part for part in (first, last) if part)
    words = name.split()
    found = {
        "contact.firstName": first or (words[0] if words else ""),
        "contact.lastName": last or (" ".join(words[1:]) if len(words) > 1 else ""),
        "contact.fullName": name,
        "contact.email": _text(contact, "email"),
        "contact.phone": _text(contact, "phone"),
        "contact.company": _text(contact, "company"),
        "contact.accountNumber": _text(contact, "accountNumber"),
        "agent.name": " ".join((agent_name or "").split()),
        "agent.firstName": ((agent_name or "").split() or [""])[0],
        "queue.name": " ".join((queue_name or "").split()),
    }
    return {variable: value for variable, value in found.items() if value}


def _text(source: Mapping[str, object] | object | None, key: str) -> str:
    value = source.get(key) if isinstance(source, Mapping) else getattr(source, key, None)
    return " ".join(str(value).split()) if isinstance(value, str | int) and not isinstance(value, bool) else ""


# What may follow a variable that came out empty for the space before it to go too ("Hi {{x}}, ..." -> "Hi, ...").
_CLOSES = frozenset(" ,.;:!?)")


def fill_variables(
    body: str,
    contact: Mapping[str, object] | object | None,
    *,
    agent_name: str | None = None,
    queue_name: str | None = None,
) -> str:
    """A canned message as it is sent: its variables filled from the contact, the agent and the queue.

    A known variable without a value becomes empty, and takes along the space before it when a space,
    punctuation or the end follows ("Hi {{contact.firstName}}, ..." -> "Hi, ..."). An unknown variable is
    left as written: the config API refuses them (`template_problems`), so one can only come from a message
    stored before a variable was withdrawn, and it then shows rather than silently vanishing.
    """
    values = variable_values(contact, agent_name=agent_name, queue_name=queue_name)
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(body):
        pieces.append(body[position : match.start()])
        position = match.end()
        name = match.group(1)
        if name not in TEMPLATE_VARIABLES:
            pieces.append(match.group(0))
        elif name in values:
            pieces.append(values[name])
        elif pieces[-1].endswith(" ") and body[position : position + 1] in _CLOSES | {""}:
            pieces[-1] = pieces[-1][:-1]
    pieces.append(body[position:])
    return "".join(pieces)


# --- tags ------------------------------------------------------------------------------------------

# The named colours a tag may take (the workspace draws each from its own palette); "#rrggbb" also does.
TAG_COLORS: tuple[str, ...] = ("gray", "red", "orange", "amber", "green", "teal", "blue", "indigo", "purple", "pink")
TAG_COLOR_PATTERN = rf"^(?:{'|'.join(TAG_COLORS)}|#[0-9a-fA-F]{{6}})$"


# --- integrations ----------------------------------------------------------------------------------

INTEGRATION_KEY_PREFIX = "adk_"
KEY_PREFIX_LENGTH = len(INTEGRATION_KEY_PREFIX) + 8  # "adk_" + 8 characters identify a key in lists


def key_hash(key: str) -> str:
    """How an integration key is stored: only its SHA-256, never the key."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[:KEY_PREFIX_LENGTH]
