"""Any frame gets one clear refusal from the envelope parser, never an exception (contracts/ws.py)."""

from __future__ import annotations

import pytest

from agentdesk.kernel.errors import AgentDeskError, ErrorCode
from agentdesk.realtime.envelope import parse_envelope, request_id_of

UNREADABLE = {
    "deep nesting": '{"action":"ping","requestId":"r1","x":' + "[" * 5000 + "]" * 5000 + "}",
    "a 5,001-digit number": '{"action":"ping","requestId":"r1","x":' + "9" * 5001 + "}",
    "bytes that are not UTF-8": b'{"action":"ping","requestId":"r1","x":"\xff\xfe"}',
    "not JSON": "ping please",
}


@pytest.mark.parametrize("frame", list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_an_unreadable_frame_is_a_bad_request(frame: str | bytes) -> None:
    with pytest.raises(AgentDeskError) as refused:
        parse_envelope(frame)
    assert refused.value.code is ErrorCode.BAD_REQUEST and refused.value.field == "body"
    assert request_id_of(frame) is None  # and finding its id never raises either
