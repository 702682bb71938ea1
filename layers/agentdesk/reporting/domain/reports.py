"""The report catalogue: every export, its columns (stable snake_case names, types, meanings) and the
parameters of its SQL; CSV safety. docs/reports.md is generated from here (scripts/gen_docs.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from agentdesk.kernel.timestamps import iso
from agentdesk.reporting.domain.days import day_window, window_strings

# Types as DuckDB names them (the Parquet files carry them); Athena's names are the same words.
VARCHAR, DATE, DOUBLE, BIGINT, BOOLEAN = "VARCHAR", "DATE", "DOUBLE", "BIGINT", "BOOLEAN"

NO_SITE = ""  # the site id parameter of agents without a site
NO_SITE_FILE = "no-site"  # ... and their file name


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Report:
    name: str  # the folder under exports/ and the SQL file (sql/<name>.sql)
    title: str
    description: str
    columns: tuple[Column, ...]
    # The SQL: these files of sql/ in order, then sql/<name>.sql
    head: tuple[str, ...] = ("common",)

    @property
    def per_agent(self) -> bool:
        """Rows about agents (an agent_id column): a supervisor sees only their teams' rows."""
        return "agent_id" in self.column_names

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_LOCAL_DATE = Column("local_date", DATE, "The site-local day the row belongs to")
_SITE = Column("site_id", VARCHAR, "The agent's site (empty: agents without a site, in the default time zone)")
_AGENT = Column("agent_id", VARCHAR, "The agent's user id")
_NAME = Column("agent_name", VARCHAR, "The agent's name in the directory at their last event of the day")
_CODE = Column("pause_code", VARCHAR, "The pause (aux) code id; empty when not paused")
_LABEL = Column("pause_label", VARCHAR, "The pause code's label")
_PRODUCTIVE = Column("productive", BOOLEAN, "Whether the pause code counts as productive (Wrap-up does)")

_AGENT_STATE_REPORTS: tuple[Report, ...] = (
    Report(
        "time_attendance",
        "Time & attendance",
        "One row per login session that began on the day: when the agent logged in and off, for how long, and "
        "how the session ended. Participants (queue members without sign-in) have no sessions, so never appear.",
        (
            _LOCAL_DATE,
            _SITE,
            _AGENT,
            _NAME,
            Column("session_id", VARCHAR, "The login session"),
            Column("login_at", VARCHAR, "Login, UTC ISO-8601"),
            Column("logoff_at", VARCHAR, "Logoff, UTC ISO-8601; empty while the session is open"),
            Column("duration_seconds", DOUBLE, "logoff_at - login_at; empty while open"),
            Column("ended_by", VARCHAR, "manual, forced (by a supervisor or an admin), auto (midnight) or open"),
            Column("logoff_reason", VARCHAR, "AUTO for the automatic logoff; else empty"),
        ),
    ),
    Report(
        "login_summary",
        "Login summary",
        "One row per agent logged in at any time of the day: sessions begun, first login, last logoff, the time "
        "logged in within the day (sessions over midnight count on each day for their part) and logoffs by kind.",
        (
            _LOCAL_DATE,
            _SITE,
            _AGENT,
            _NAME,
            Column("sessions", BIGINT, "Sessions begun on the day"),
            Column("first_login_at", VARCHAR, "First login of the day, UTC ISO-8601"),
            Column("last_logoff_at", VARCHAR, "Last logoff of the day, UTC ISO-8601"),
            Column("logged_in_seconds", DOUBLE, "Seconds logged in (any status but Offline) within the day"),
            Column("manual_logoffs", BIGINT, "Logoffs by the agent"),
            Column("forced_logoffs", BIGINT, "Logoffs forced by a supervisor or an admin"),
            Column("auto_logoffs", BIGINT, "Automatic logoffs (midnight)"),
        ),
    ),
    Report(
        "pause_summary",
        "Pause summary",
        "One row per agent and pause code used on the day: pauses begun and the time paused within the day, "
        "with the code's productive flag.",
        (
            _LOCAL_DATE,
            _SITE,
            _AGENT,
            _NAME,
            _CODE,
            _LABEL,
            _PRODUCTIVE,
            Column("pauses", BIGINT, "Pauses with this code begun on the day"),
            Column("pause_seconds", DOUBLE, "Seconds in this pause within the day"),
        ),
    ),
    Report(
        "agent_status_timeline",
        "Agent status timeline",
        "Every interval an agent spent logged in (Available, Busy, Away; with the pause code), cut to the day.",
        (
            _LOCAL_DATE,
            _SITE,
            _AGENT,
            _NAME,
            Column("status", VARCHAR, "Available, Busy or Away"),
            _CODE,
            _LABEL,
            _PRODUCTIVE,
            Column("started_at", VARCHAR, "Start within the day, UTC ISO-8601"),
            Column("ended_at", VARCHAR, "End within the day, UTC ISO-8601"),
            Column("seconds", DOUBLE, "ended_at - started_at"),
            Column("closed_by_event_id", VARCHAR, "The event that ended the interval (its eventId)"),
        ),
    ),
)


_INTERACTIONS = ("common", "interactions")
_QUEUES = ("common", "interactions", "queues")
_TRANSFER_RULE = (
    " Transfers: an interaction counts once as offered and at most once as answered per entry into a queue. "
    "It enters a queue when it is queued and when it is transferred into one (blind or attended); it is "
    "answered there by its first answer, by the answer routed out of the queue after a blind transfer into it "
    "(waiting from the transfer), or at once by an attended transfer (no wait). A transfer to an agent stays "
    "in the queue it was answered from and adds nothing to it. One edge: an interaction a blind transfer sent "
    "to an agent who did not take it goes back to its queue and, answered from there, counts as answered there "
    "again."
)
_INTERACTION = Column("interaction_id", VARCHAR, "The interaction")
_QUEUE = Column("queue_id", VARCHAR, "The queue")
_QUEUE_NAME = Column("queue_name", VARCHAR, "The queue's name at the event")
_IX_AGENT_NAME = Column("agent_name", VARCHAR, "The agent's name on the interaction")
_IX_SITE = Column("site_id", VARCHAR, "The agent's site (from their latest agent.state.changed; empty: no site)")


def _queue_columns(hourly: bool) -> tuple[Column, ...]:
    hour = (Column("hour", BIGINT, "Hours since the local midnight (0-23; 22 or 24 on clock-change days)"),)
    return (
        Column("local_date", DATE, "The day in the workspace's default time zone (queues belong to no site)"),
        _QUEUE,
        *(hour if hourly else ()),
        _QUEUE_NAME,
        Column("sla_target_seconds", BIGINT, "The queue's SLA threshold at export time (answer within this)"),
        Column("offered", BIGINT, "Interactions that entered the queue: queued, or transferred into it"),
        Column(
            "answered",
            BIGINT,
            "Interactions answered out of the queue, once per entry (transfers to an agent add none)",
        ),
        Column("abandoned", BIGINT, "Interactions the customer left before an answer (interaction.abandoned)"),
        Column("answered_within_sla", BIGINT, "Answered with a wait up to the threshold"),
        Column("service_level_percent", DOUBLE, "100 * answered_within_sla / answered; empty when none answered"),
        Column("average_wait_seconds", DOUBLE, "Average wait of the answered ones: entering the queue -> answeredAt"),
        Column("longest_wait_seconds", DOUBLE, "Longest wait of the answered ones"),
        Column("average_abandoned_wait_seconds", DOUBLE, "Average entering the queue -> the customer leaving"),
        Column("ratings", BIGINT, "CSAT ratings given"),
        Column("average_score", DOUBLE, "Their average score (1-5)"),
    )


_AGENT_PERFORMANCE = Report(
    "agent_performance",
    "Agent performance",
    "One row per agent of the site logged in or with interactions on the day: the performance toolbar's day. "
    "Time by status from the agent-state intervals cut to the day (logged_in_seconds = available + busy + "
    "wrap-up + paused productive + paused unproductive); interactions, outcomes, handle and first response "
    "times and CSAT from the day's interaction events, counted as the live metrics count them (a disposition "
    "completed later replaces the automatic Unsure).",
    (
        _AGENT,
        _NAME,
        Column("team_id", VARCHAR, "The agent's team at their last event of the day; empty: none"),
        _SITE,
        _LOCAL_DATE,
        Column("logged_in_seconds", DOUBLE, "Seconds logged in (any status but Offline) within the day"),
        Column("available_seconds", DOUBLE, "Seconds Available"),
        Column("busy_seconds", DOUBLE, "Seconds Busy on interactions (not in wrap-up)"),
        Column("wrap_up_seconds", DOUBLE, "Seconds in the Wrap-up pause (system, productive)"),
        Column("paused_productive_seconds", DOUBLE, "Seconds in the other productive pause codes"),
        Column("paused_unproductive_seconds", DOUBLE, "Seconds in unproductive pause codes"),
        Column("interactions", BIGINT, "Interactions the agent answered that ended on the day"),
        Column("successful", BIGINT, "Dispositions Success written on the day"),
        Column("unsure", BIGINT, "Dispositions Unsure written on the day (less those completed later)"),
        Column("failed", BIGINT, "Dispositions Fail written on the day"),
        Column("handle_seconds", DOUBLE, "Total answeredAt -> endedAt of those interactions"),
        Column("avg_handle_seconds", DOUBLE, "handle_seconds / interactions; empty without interactions"),
        Column("avg_first_response_seconds", DOUBLE, "Average answeredAt -> the agent's first reply"),
        Column("csat_avg", DOUBLE, "Average CSAT score (1-5) of the ratings given on the day"),
        Column("csat_count", BIGINT, "CSAT ratings given on the day"),
    ),
    ("common", "interactions"),
)

REPORTS: tuple[Report, ...] = (
    *_AGENT_STATE_REPORTS,
    _AGENT_PERFORMANCE,
    Report(
        "dispositions",
        "Dispositions and outcomes",
        "One row per disposition written on the day: by the agent (source agent) or by the system when wrap-up "
        "ran out (source timeout, complete false, Unsure / No agent submission), and each later completion by "
        "the agent (event completed). Rows of the site's agents.",
        (
            _LOCAL_DATE,
            _IX_SITE,
            _INTERACTION,
            _AGENT,
            _IX_AGENT_NAME,
            _QUEUE,
            _QUEUE_NAME,
            Column("channel", VARCHAR, "chat, voice, email or task"),
            Column("event", VARCHAR, "submitted or completed"),
            Column("category", VARCHAR, "Success, Unsure or Fail"),
            Column("outcome", VARCHAR, "The outcome picked (the disposition set's)"),
            Column("source", VARCHAR, "agent, or timeout (written by the system)"),
            Column("complete", BOOLEAN, "false: automatic or incomplete; the agent may complete it later"),
            Column("queued_at", VARCHAR, "Queued, UTC ISO-8601"),
            Column("answered_at", VARCHAR, "Answered by the agent, UTC ISO-8601"),
            Column("ended_at", VARCHAR, "The conversation ended, UTC ISO-8601"),
            Column("submitted_at", VARCHAR, "This disposition was written, UTC ISO-8601"),
            Column("handle_seconds", DOUBLE, "answered_at -> ended_at"),
            Column("wrap_up_seconds", DOUBLE, "ended_at -> the end of wrap-up (or submitted_at)"),
            Column("event_id", VARCHAR, "The event that wrote it (its eventId)"),
        ),
        _INTERACTIONS,
    ),
    Report(
        "queue_service_level",
        "Queue service level",
        "One row per queue with interactions on the day: offered, answered, abandoned, service level (% answered "
        "within the queue's SLA threshold), waits and CSAT. Queues belong to no site: the rows are in the no-site "
        "file, in the workspace's default time zone (site files have none)." + _TRANSFER_RULE,
        _queue_columns(False),
        _QUEUES,
    ),
    Report(
        "queue_service_level_hourly",
        "Queue service level per hour",
        "As queue_service_level, per hour of the day (counted in the hour each event happened); the same "
        "measures, from the same SQL (sql/queues.sql).",
        _queue_columns(True),
        _QUEUES,
    ),
    Report(
        "csat",
        "CSAT",
        "One row per rating (1-5) customers gave on the day to interactions of the site's agents; 4 and 5 count "
        "as satisfied.",
        (
            _LOCAL_DATE,
            _IX_SITE,
            _INTERACTION,
            _AGENT,
            _IX_AGENT_NAME,
            _QUEUE,
            _QUEUE_NAME,
            Column("score", BIGINT, "1 (worst) to 5 (best)"),
            Column("satisfied", BOOLEAN, "score >= 4"),
            Column("comment", VARCHAR, "The customer's comment"),
            Column("ended_at", VARCHAR, "The conversation ended, UTC ISO-8601"),
            Column("rated_at", VARCHAR, "Rated, UTC ISO-8601"),
        ),
        _INTERACTIONS,
    ),
    Report(
        "response_times",
        "Response times",
        "One row per interaction the site's agents answered that ended on the day: the first response (answered "
        "-> the agent's first reply) and the responses to the customer (from the first of a run of customer "
        "messages to the agent's next message), from the day's messages.",
        (
            _LOCAL_DATE,
            _IX_SITE,
            _INTERACTION,
            _AGENT,
            _IX_AGENT_NAME,
            _QUEUE,
            _QUEUE_NAME,
            Column("answered_at", VARCHAR, "Answered, UTC ISO-8601"),
            Column("first_agent_reply_at", VARCHAR, "The agent's first message, UTC ISO-8601; empty: none"),
            Column("ended_at", VARCHAR, "Ended, UTC ISO-8601"),
            Column("first_response_seconds", DOUBLE, "answered_at -> first_agent_reply_at"),
            Column("customer_messages", BIGINT, "Messages from the customer"),
            Column("agent_messages", BIGINT, "Messages from the agent"),
            Column("responses", BIGINT, "Runs of customer messages the agent answered"),
            Column("average_response_seconds", DOUBLE, "Average time to answer a run of customer messages"),
            Column("longest_response_seconds", DOUBLE, "The longest of those"),
        ),
        _INTERACTIONS,
    ),
)


def report(name: str) -> Report:
    for candidate in REPORTS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


# Late events: an interval of the day may be closed by an event of the next day (up to this much later).
READ_AFTER = timedelta(days=1)
# The delivery stream files a record under the UTC date it arrived, at most this long after it happened.
ARRIVAL_SLACK = timedelta(days=1)


def parameters(site_id: str, day: date, zone: str) -> list[str]:
    """The positional parameters of every report query (sql/common.sql), in order."""
    window_start, window_end = window_strings(day, zone)
    start, end = day_window(day, zone)
    read_until = end + READ_AFTER
    return [
        site_id,
        day.isoformat(),
        window_start,
        window_end,
        iso(read_until),
        start.date().isoformat(),
        (read_until + ARRIVAL_SLACK).date().isoformat(),
    ]


def partitions(day: date, zone: str) -> list[date]:
    """The dt partitions of the lake that the day's reports read."""
    params = parameters(NO_SITE, day, zone)
    first, last = date.fromisoformat(params[5]), date.fromisoformat(params[6])
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """A text cell a spreadsheet shows as text: one that could start a formula gets a leading apostrophe
    (OWASP's advice for CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_key(report_name: str, day: date, site_id: str, extension: str) -> str:
    """exports/<report>/date=YYYY-MM-DD/<site id or no-site>.<parquet|csv>"""
    return f"exports/{report_name}/date={day.isoformat()}/{site_id or NO_SITE_FILE}.{extension}"


def markdown() -> str:
    """The report catalogue as the generated section of docs/reports.md."""
    lines: list[str] = []
    for item in REPORTS:
        lines += [
            f"### `{item.name}` — {item.title}",
            "",
            item.description,
            "",
            f"Files: `{export_key(item.name, date(2025, 1, 31), 'london', 'parquet')}` and `.csv`; "
            f"SQL: {' + '.join(f'`sql/{part}.sql`' for part in (*item.head, item.name))} "
            "(under `layers/agentdesk/reporting/`).",
            "",
            "| column | type | meaning |",
            "|---|---|---|",
            *(f"| `{c.name}` | {c.type} | {c.description} |" for c in item.columns),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
