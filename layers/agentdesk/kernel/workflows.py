"""Step Functions: start and stop executions of the product's state machines (ARNs from the environment)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from agentdesk.kernel import aws
from agentdesk.kernel.settings import get_settings, state_machine_setting


def _client() -> Any:
    return aws.client("stepfunctions")


def state_machine_arn(key: str) -> str:
    """The ARN of a state machine of the wiring, e.g. `presence` → $PRESENCE_STATE_MACHINE_ARN."""
    return get_settings().require(state_machine_setting(key))


def start(key: str, name: str, payload: dict[str, Any]) -> str:
    """Start an execution; an execution of that name already running is returned, not duplicated."""
    client = _client()
    arn = state_machine_arn(key)
    try:
        result = client.start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return f"{arn.replace(':stateMachine:', ':execution:')}:{name}"
    return str(result["executionArn"])


def stop(execution_arn: str, cause: str) -> None:
    """Stop an execution; one that has already finished is left as it is."""
    try:
        _client().stop_execution(executionArn=execution_arn, cause=cause)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("ExecutionDoesNotExist", "ValidationException"):
            raise
