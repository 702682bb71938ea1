"""Wire models of the config API: the body of every create and update, every response, the error body.

A body is refused with 400 when it is wrong on its own: malformed, a wrong type, an unknown field, a value
out of range, a time zone that does not exist, a message variable nobody fills. What needs the stored
configuration (does that team exist? is that name taken? is that skill in use?) is decided by the use cases
(422, 409). Wire names are camelCase like every Agent Desk document. Updates (PUT) replace the whole
resource: an omitted optional field takes its default. The OpenAPI document served at /api/openapi.json is
generated from these models.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from agentdesk.config.domain.rules import (
    NO_AGENT_SUBMISSION,
    TAG_COLOR_PATTERN,
    TAG_COLORS,
    PauseStatus,
    duplicates,
    is_time_zone,
    outcome_problems,
    template_problems,
)
from agentdesk.kernel.errors import ErrorCode
from agentdesk.kernel.identity import Role

# The type of the domain event every successful change writes (the audit record and the push trigger).
CONFIG_CHANGED = "config.changed"

# The OpenAPI extension on each operation that names the least role allowed to call it ("public": no
# sign-in needed). The HTTP app enforces it, so the document and the behaviour cannot disagree.
ROLE_EXTENSION = "x-agentdesk-role"
PUBLIC = "public"

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class Body(BaseModel):
    """Base of every request body: unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _whole_numbers(cls, data: object) -> object:
        """5.0 is the integer 5, as in JSON Schema; "5", true and 5.5 stay refused where an integer is due."""
        if not isinstance(data, dict):
            return data
        return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in data.items()}


class Document(BaseModel):
    """Base of every response body."""

    model_config = ConfigDict(extra="forbid")


def _strip(value: str) -> str:
    return value.strip()


def _time_zone(value: str) -> str:
    if not is_time_zone(value):
        raise ValueError(f'"{value}" is not an IANA time zone such as "Europe/Berlin" or "America/New_York".')
    return value


def _template(value: str) -> str:
    problems = template_problems(value)
    if problems:
        raise ValueError(" ".join(problems))
    return value


# Characters no label may hold: control characters, and the invisible format characters (zero-width marks,
# bidi overrides and isolates) that make a label read differently from what it holds.
_INVISIBLE = r"\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_HIDDEN = r"\x00-\x1f\x7f-\x9f" + _INVISIBLE
# Text that may run over lines (messages, descriptions) may also hold tabs and line breaks.
_HIDDEN_IN_TEXT = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _INVISIBLE
# One line with at least one visible character; Python's strip() then leaves it non-empty.
LABEL_PATTERN = rf"^[^{_HIDDEN}]*[^\s{_HIDDEN}][^{_HIDDEN}]*$"
TEXT_PATTERN = rf"^[^{_HIDDEN_IN_TEXT}]*[^\s{_HIDDEN_IN_TEXT}][^{_HIDDEN_IN_TEXT}]*$"

# What a person is told when a value breaks one of these patterns (instead of the pattern itself).
PATTERN_MESSAGES = {
    LABEL_PATTERN: "needs a visible character, on one line, with no control or invisible characters.",
    TEXT_PATTERN: "needs a visible character, with no control or invisible characters.",
    rf"^[^{_HIDDEN_IN_TEXT}]*$": "may not hold control or invisible characters.",
}

# A name people pick from lists: 1-80 characters, one line, at least one visible; stored trimmed.
Name = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LABEL_PATTERN), AfterValidator(_strip)]
ShortLabel = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=LABEL_PATTERN), AfterValidator(_strip)
]
Description = Annotated[str, StringConstraints(max_length=500, pattern=rf"^[^{_HIDDEN_IN_TEXT}]*$")]
# The id of another config item.
ConfigId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
TimeZone = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_time_zone)]
Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@+-]{1,63}$")]
# White space spelled out: Python, Rust (pydantic) and JSON Schema (ECMA) regexes each mean something else by \s.
_SPACE = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
Email = Annotated[str, StringConstraints(max_length=254, pattern=rf"^[^@{_SPACE}]+@[^@{_SPACE}]+\.[^@{_SPACE}]+$")]
# The user pool's policy (infra/cloud/auth.py, infra/local/provision.py): 12+ characters with an upper- and a
# lower-case letter, a digit and one of Cognito's symbols; no leading or trailing space. Look-aheads need
# Python's regex engine (UserCreate says so).
PASSWORD_PATTERN = r"^(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])(?=.*[\^$*.\[\]{}()?\"!@#%&/\\,><':;|_~`=+ -])\S(?:.*\S)?$"  # noqa: S105 - a pattern
Password = Annotated[str, StringConstraints(min_length=12, max_length=256, pattern=PASSWORD_PATTERN)]
PATTERN_MESSAGES[PASSWORD_PATTERN] = (
    "needs an upper- and a lower-case letter, a digit and a symbol, and no space at either end."
)
MessageBody = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=TEXT_PATTERN), AfterValidator(_template)
]


class Stored(Document):
    """What every stored resource carries besides its own fields. `version` is also the ETag."""

    id: str
    version: StrictInt = Field(ge=1, description="Increases with every change; sent back as If-Match on updates.")
    createdAt: str = Field(description="UTC ISO-8601")
    updatedAt: str = Field(description="UTC ISO-8601")


# --- skills ----------------------------------------------------------------------------------------


class SkillInput(Body):
    name: Name
    description: Description = ""


class Skill(SkillInput, Stored):
    pass


class SkillPage(Document):
    items: list[Skill]
    nextCursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


# --- sites -----------------------------------------------------------------------------------------


class SiteInput(Body):
    name: Name
    timeZone: TimeZone = Field(description="IANA time zone; agents of the site are logged off at its midnight.")


class Site(SiteInput, Stored):
    pass


class SitePage(Document):
    items: list[Site]
    nextCursor: str | None


# --- teams -----------------------------------------------------------------------------------------


class TeamInput(Body):
    name: Name
    description: Description = ""
    supervisorIds: list[ConfigId] = Field(
        default_factory=list,
        max_length=20,
        description="Users (supervisors or admins) who see and manage the agents of this team.",
    )

    @model_validator(mode="after")
    def _unique_supervisors(self) -> TeamInput:
        repeated = duplicates(self.supervisorIds)
        if repeated:
            raise ValueError(f"supervisorIds lists {', '.join(repeated)} more than once.")
        return self


class Team(TeamInput, Stored):
    pass


class TeamPage(Document):
    items: list[Team]
    nextCursor: str | None


# --- queues ----------------------------------------------------------------------------------------


class QueueInput(Body):
    name: Name
    description: Description = ""
    requiredSkillId: ConfigId | None = Field(
        default=None, description="Interactions of this queue go to agents with this skill first."
    )
    slaTargetSeconds: StrictInt = Field(default=20, ge=1, le=3600, description="Answer within this to meet the SLA.")
    wrapUpTimeoutSeconds: StrictInt | None = Field(
        default=None, ge=10, le=3600, description="null: the settings' defaultWrapUpTimeoutSeconds."
    )
    offerTimeoutSeconds: StrictInt | None = Field(
        default=None, ge=5, le=600, description="null: the settings' defaultOfferTimeoutSeconds."
    )
    dispositionsEnabled: StrictBool = Field(
        default=True,
        description="false: the queue's interactions end without a disposition (and dispositionSetId must be null).",
    )
    dispositionSetId: ConfigId | None = Field(
        default=None, description="null: the settings' defaultDispositionSetId (when dispositions are enabled)."
    )
    webChat: StrictBool = Field(
        default=False,
        description="true: customers may open a chat in this queue from the public chat page (GET /api/chat/topics "
        "lists it; POST /api/chat/sessions takes it).",
    )
    topicLabel: Name | None = Field(
        default=None, description="What the public chat page calls this queue's topic; null: the queue's name."
    )

    @model_validator(mode="after")
    def _no_set_without_dispositions(self) -> QueueInput:
        if not self.dispositionsEnabled and self.dispositionSetId is not None:
            raise ValueError("dispositionSetId must be null when dispositionsEnabled is false.")
        return self


class Queue(QueueInput, Stored):
    pass


class QueuePage(Document):
    items: list[Queue]
    nextCursor: str | None


# --- pause codes -----------------------------------------------------------------------------------


class PauseCodeInput(Body):
    label: ShortLabel
    status: PauseStatus = Field(description="The status an agent paused with this code shows.")
    productive: StrictBool = Field(default=False, description="Counts as productive time in reports.")
    enabled: StrictBool = Field(default=True, description="Disabled codes are kept for history but not offered.")


class PauseCode(PauseCodeInput, Stored):
    system: StrictBool = Field(default=False, description="Set by the product itself; read-only.")


class PauseCodePage(Document):
    items: list[PauseCode]
    nextCursor: str | None


# --- disposition sets ------------------------------------------------------------------------------

Outcome = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=LABEL_PATTERN), AfterValidator(_strip)]


class DispositionOutcomes(Body):
    """The outcomes an agent may choose, by category; each category needs at least one."""

    Success: list[Outcome] = Field(min_length=1, max_length=50)
    Unsure: list[Outcome] = Field(
        min_length=1,
        max_length=50,
        description=f'"{NO_AGENT_SUBMISSION}" is added by the system on wrap-up timeout and is reserved.',
    )
    Fail: list[Outcome] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _outcome_rules(self) -> DispositionOutcomes:
        problems = outcome_problems({"Success": self.Success, "Unsure": self.Unsure, "Fail": self.Fail})
        if problems:
            raise ValueError(" ".join(f"{field}: {message}" for field, message in problems))
        return self


class DispositionSetInput(Body):
    name: Name
    outcomes: DispositionOutcomes


class DispositionSet(DispositionSetInput, Stored):
    pass


class DispositionSetPage(Document):
    items: list[DispositionSet]
    nextCursor: str | None


# --- canned messages -------------------------------------------------------------------------------


class CannedMessageInput(Body):
    title: Name
    body: MessageBody = Field(
        description="Text with variables such as {{contact.firstName}}; see docs/config-api.md for the list."
    )
    queueId: ConfigId | None = Field(default=None, description="Offered only in this queue; null: everywhere.")


class CannedMessage(CannedMessageInput, Stored):
    pass


class CannedMessagePage(Document):
    items: list[CannedMessage]
    nextCursor: str | None


# --- tags ------------------------------------------------------------------------------------------

TagColor = Annotated[str, StringConstraints(pattern=TAG_COLOR_PATTERN), AfterValidator(str.lower)]  # stored "#1f6feb"
PATTERN_MESSAGES[TAG_COLOR_PATTERN] = f"must be one of {', '.join(TAG_COLORS)} or a colour such as #1f6feb."


class TagInput(Body):
    """A predefined interaction tag: agents pick it in the conversation; reports group by its label."""

    label: ShortLabel = Field(description="What agents pick and reports show; unique, case and spacing ignored.")
    color: TagColor | None = Field(
        default=None, description=f"One of {', '.join(TAG_COLORS)}, or #rrggbb; null: the workspace's neutral colour."
    )
    description: Description = ""
    enabled: StrictBool = Field(
        default=True, description="Disabled tags stay on past interactions but are not offered."
    )


class Tag(TagInput, Stored):
    pass


class TagPage(Document):
    items: list[Tag]
    nextCursor: str | None


# --- integrations ----------------------------------------------------------------------------------


class IntegrationInput(Body):
    name: Name
    description: Description = ""
    enabled: StrictBool = Field(default=True, description="A disabled integration's key is refused.")


class Integration(IntegrationInput, Stored):
    keyPrefix: str = Field(description="The first characters of the key, to tell keys apart.")


class IntegrationCreated(Integration):
    key: str = Field(description="The API key. Shown only in this response; only its hash is stored.")


class IntegrationPage(Document):
    items: list[Integration]
    nextCursor: str | None


# --- users (agents, supervisors, admins) -----------------------------------------------------------


class AutoAnswer(StrEnum):
    ON = "on"
    OFF = "off"
    AGENT = "agent"  # the agent chooses in the workspace


class SkillLevel(Body):
    skillId: ConfigId
    proficiency: StrictInt = Field(ge=1, le=5, description="5 is best; routing prefers higher proficiency.")


# The roles a user (a Cognito account in one of our groups) may hold; a customer is never a user.
USER_ROLES: tuple[Role, ...] = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)


def _user_role(role: Role) -> Role:
    if role not in USER_ROLES:
        raise ValueError(f"Input should be {', '.join(repr(r.value) for r in USER_ROLES)}")
    return role


UserRole = Annotated[
    Role,
    AfterValidator(_user_role),
    WithJsonSchema({"type": "string", "enum": [r.value for r in USER_ROLES], "title": "UserRole"}),
]


class UserInput(Body):
    """The agent profile: who the user is, what they may do, and how work reaches them."""

    name: Name
    email: Email
    role: UserRole = Field(description="Moves the user to the Cognito group agents, supervisors or admins.")
    teamId: ConfigId | None = Field(default=None, description="Supervisors of this team see the user.")
    siteId: ConfigId | None = Field(default=None, description="Time zone of the midnight logoff.")
    skills: list[SkillLevel] = Field(default_factory=list, max_length=50)
    maxConcurrent: StrictInt = Field(default=5, ge=1, le=20, description="Concurrent conversations; voice counts 1.")
    autoAnswer: AutoAnswer = Field(default=AutoAnswer.AGENT, description="agent: the agent chooses.")
    outboundQueueId: ConfigId | None = Field(default=None, description="Queue of outbound interactions.")
    queueIds: list[ConfigId] = Field(
        default_factory=list,
        max_length=50,
        description="The queues the user takes interactions from (each must exist; routing will read them).",
    )
    enabled: StrictBool = Field(
        default=True,
        description="false: the user cannot sign in, is logged off, and their open sessions end at once.",
    )

    @model_validator(mode="after")
    def _unique_skills(self) -> UserInput:
        repeated = duplicates(level.skillId for level in self.skills)
        if repeated:
            raise ValueError(f"skills lists {', '.join(repeated)} more than once.")
        return self

    @model_validator(mode="after")
    def _unique_queues(self) -> UserInput:
        repeated = duplicates(self.queueIds)
        if repeated:
            raise ValueError(f"queueIds lists {', '.join(repeated)} more than once.")
        return self


class UserCreate(UserInput):
    model_config = ConfigDict(extra="forbid", regex_engine="python-re")  # the password pattern looks ahead

    username: Username = Field(description="Sign-in name; cannot be changed later.")
    password: Password | None = Field(
        default=None,
        description="The user pool's policy: at least 12 characters with an upper- and a lower-case letter, a "
        "digit and a symbol (^ $ * . [ ] { } ( ) ? \" ! @ # % & / \\ , > < ' : ; | _ ~ ` = + - or an inner "
        "space). Omit to let Cognito generate a temporary password (sent by email unless sendInvitation "
        "is false). Never returned.",
    )
    permanentPassword: StrictBool = Field(
        default=False, description="true: the password is final; false: it must be changed at first sign-in."
    )
    sendInvitation: StrictBool = Field(default=True, description="false: create silently (no invitation email).")

    @model_validator(mode="after")
    def _permanent_needs_password(self) -> UserCreate:
        if self.permanentPassword and self.password is None:
            raise ValueError("permanentPassword needs a password.")
        return self


class UserUpdate(UserInput):
    pass


class User(UserInput, Stored):
    username: str


class UserPage(Document):
    items: list[User]
    nextCursor: str | None


# --- settings --------------------------------------------------------------------------------------


class WorkspaceSettingsInput(Body):
    """Product-wide defaults (the singleton at /api/settings)."""

    presenceGraceSeconds: StrictInt = Field(
        default=60, ge=0, le=3600, description="How long an agent may be disconnected before turning Away."
    )
    defaultWrapUpTimeoutSeconds: StrictInt = Field(default=120, ge=10, le=3600)
    defaultOfferTimeoutSeconds: StrictInt = Field(default=30, ge=5, le=600)
    generalQueueId: ConfigId | None = Field(
        default=None, description="Where interactions go when no skilled agent is available."
    )
    defaultDispositionSetId: ConfigId | None = Field(default=None)
    defaultTimeZone: TimeZone = Field(default="UTC", description="For agents without a site.")
    autoLogoffAtMidnight: StrictBool = Field(default=True, description="Log agents off at midnight, site time.")


class WorkspaceSettings(WorkspaceSettingsInput):
    version: StrictInt = Field(ge=0, description="0 until the settings are first saved.")
    updatedAt: str | None = None


# --- errors ----------------------------------------------------------------------------------------


class Problem(Document):
    """One thing wrong with a request."""

    field: str = Field(description="The body field (a dotted path such as skills.0.proficiency), parameter or header.")
    message: str = Field(description="For people; may change.")


class ErrorDetail(Document):
    code: ErrorCode
    message: str = Field(description="For people; may change. Program against `code`.")
    field: str | None = Field(default=None, description="The body field, parameter or header at fault.")
    retryAfterSeconds: StrictInt | None = Field(
        default=None, ge=1, description="RATE_LIMITED only: wait this long before trying again (as Retry-After)."
    )
    problems: list[Problem] | None = Field(
        default=None,
        min_length=1,
        description="BAD_REQUEST for a malformed body or parameter: every problem at once (`field` and `message` "
        "above name the first).",
    )


class ErrorResponse(Document):
    """Every refusal: a stable code, a readable message and, where known, the field at fault."""

    error: ErrorDetail


class GatewayMessage(Document):
    """What API Gateway answers itself, before the API runs (it cannot be given the API's shape): 401 from
    its JWT authorizer ("Unauthorized"), 404 when no route matches ("Not Found"), 429 when the whole API is
    over its stage limit ("Too Many Requests"), 500 when the function failed ("Internal Server Error")."""

    message: str
