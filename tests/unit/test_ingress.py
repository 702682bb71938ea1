"""The ingress API's pure rules: the request signature, the timestamp window, what a lifecycle update does."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agentdesk.interactions.domain import Direction, Status
from agentdesk.interactions.domain import ingress as rules
from agentdesk.interactions.domain.ingress import Effect, Update
from agentdesk.kernel.errors import AgentDeskError, ErrorCode

KEY = "adk_k3y0f1nt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
BODY = b'{"channel":"voice","queueId":"queue-general","externalId":"call-1","contact":{"name":"Carla"}}'


def refusal(call: object) -> tuple[ErrorCode, str | None]:
    assert isinstance(call, AgentDeskError)
    return call.code, call.field


# --- the signature -----------------------------------------------------------------------------------------


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_with_the_key() -> None:
    expected = hmac.new(KEY.encode(), b"1767225600." + BODY, hashlib.sha256).hexdigest()
    assert rules.sign(KEY, "1767225600", BODY) == f"v1={expected}"
    assert rules.check_signature(KEY, "1767225600", BODY, f"v1={expected}") == expected


def test_the_documented_example_signs_as_documented() -> None:
    # docs/interactions.md, "Other channels": the same key, timestamp and body give this signature.
    body = b'{"type":"answered"}'
    signature = "v1=e60e677e91d9a4022b99d93f5654d8e56946f86348602d1fddd411ef8b908c7b"
    assert rules.sign("adk_example1_secret", "1767225600", body) == signature


@pytest.mark.parametrize(
    ("timestamp", "body", "header"),
    [
        ("1767225601", BODY, None),  # another timestamp
        ("1767225600", BODY + b" ", None),  # a byte more in the body
        ("1767225600", BODY, "v1=" + "0" * 64),  # a made-up digest
        ("1767225600", BODY, "sha256=" + "0" * 64),  # another scheme
        ("1767225600", BODY, "v1=" + "A" * 64),  # upper-case hex
        ("1767225600", BODY, "v1=abc"),  # too short
        ("1767225600", BODY, ""),  # empty
    ],
)
def test_a_signature_of_anything_else_is_refused(timestamp: str, body: bytes, header: str | None) -> None:
    good = rules.sign(KEY, "1767225600", BODY)
    with pytest.raises(AgentDeskError) as refused:
        rules.check_signature(KEY, timestamp, body, header if header is not None else good)
    assert refusal(refused.value) == (ErrorCode.UNAUTHORIZED, rules.SIGNATURE_HEADER)


def test_a_missing_signature_is_refused_naming_the_header() -> None:
    with pytest.raises(AgentDeskError) as refused:
        rules.check_signature(KEY, "1767225600", BODY, None)
    assert refusal(refused.value) == (ErrorCode.UNAUTHORIZED, rules.SIGNATURE_HEADER)


def test_another_key_makes_another_signature() -> None:
    with pytest.raises(AgentDeskError):
        rules.check_signature(KEY + "x", "1767225600", BODY, rules.sign(KEY, "1767225600", BODY))


@given(st.binary(max_size=200), st.integers(min_value=0, max_value=10**11))
def test_every_body_and_timestamp_round_trips(body: bytes, stamp: int) -> None:
    rules.check_signature(KEY, str(stamp), body, rules.sign(KEY, str(stamp), body))


# --- the timestamp window ----------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-300, -1, 0, 1, 300])
def test_a_timestamp_within_five_minutes_of_the_clock_is_taken(offset: int) -> None:
    now = 1_767_225_600.0
    assert rules.check_timestamp(str(int(now) + offset), now) == int(now) + offset


@pytest.mark.parametrize("header", ["1767225299", "1767225901", "0", None, "", " ", "1767225600.5", "-5", "1e9", "abc"])
def test_a_stale_future_missing_or_malformed_timestamp_is_refused(header: str | None) -> None:
    with pytest.raises(AgentDeskError) as refused:
        rules.check_timestamp(header, 1_767_225_600.0)
    assert refusal(refused.value) == (ErrorCode.UNAUTHORIZED, rules.TIMESTAMP_HEADER)


# --- what is created -------------------------------------------------------------------------------------


def test_only_an_outbound_interaction_names_its_agent() -> None:
    rules.check_direction(Direction.OUTBOUND, "agent-1")
    rules.check_direction(Direction.OUTBOUND, None)
    rules.check_direction(Direction.INBOUND, None)
    with pytest.raises(AgentDeskError) as refused:
        rules.check_direction(Direction.INBOUND, "agent-1")
    assert refusal(refused.value) == (ErrorCode.BAD_REQUEST, "agentId")


# --- lifecycle updates -----------------------------------------------------------------------------------

ENDED = (Status.WRAP_UP, Status.CLOSED, Status.ABANDONED)

# (update, status, on hold before) -> (effect, on hold after); anything missing is INVALID_TRANSITION.
MAPPING = {
    (Update.RINGING, Status.QUEUED, False): (Effect.RECORD, False),
    (Update.RINGING, Status.OFFERED, False): (Effect.RECORD, False),
    (Update.RINGING, Status.ACTIVE, False): (Effect.RECORD, False),
    (Update.RINGING, Status.ACTIVE, True): (Effect.RECORD, True),
    (Update.ANSWERED, Status.OFFERED, False): (Effect.ANSWER, False),
    (Update.ANSWERED, Status.ACTIVE, False): (Effect.NOTHING, False),
    (Update.ANSWERED, Status.ACTIVE, True): (Effect.NOTHING, True),
    (Update.HELD, Status.ACTIVE, False): (Effect.RECORD, True),
    (Update.HELD, Status.ACTIVE, True): (Effect.NOTHING, True),
    (Update.RESUMED, Status.ACTIVE, True): (Effect.RECORD, False),
    (Update.RESUMED, Status.ACTIVE, False): (Effect.NOTHING, False),
    (Update.ENDED, Status.QUEUED, False): (Effect.END, False),
    (Update.ENDED, Status.OFFERED, False): (Effect.END, False),
    (Update.ENDED, Status.ACTIVE, False): (Effect.END, False),
    (Update.ENDED, Status.ACTIVE, True): (Effect.END, False),
    **{(Update.ENDED, status, hold): (Effect.NOTHING, False) for status in ENDED for hold in (False, True)},
}


@pytest.mark.parametrize("update", list(Update))
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("on_hold", [False, True])
def test_every_update_in_every_status_maps_as_the_table_says(update: Update, status: Status, on_hold: bool) -> None:
    if on_hold and status is not Status.ACTIVE and (update, status, on_hold) not in MAPPING:
        return  # only an active interaction is on hold
    expected = MAPPING.get((update, status, on_hold))
    if expected is None:
        with pytest.raises(AgentDeskError) as refused:
            rules.decide(update, status, on_hold)
        assert refusal(refused.value) == (ErrorCode.INVALID_TRANSITION, "type")
        return
    decision = rules.decide(update, status, on_hold)
    assert (decision.effect, decision.on_hold) == expected


def test_a_repeat_changes_nothing() -> None:
    for update in Update:
        for status in (Status.ACTIVE, *ENDED):
            try:
                first = rules.decide(update, status, False)
            except AgentDeskError:
                continue
            if first.effect is Effect.RECORD and update is not Update.RINGING:
                assert rules.decide(update, status, first.on_hold).effect is Effect.NOTHING
