"""EventBridge Scheduler: upsert and delete the schedules that start a state machine."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from agentdesk.kernel import aws
from agentdesk.kernel.settings import get_settings
from agentdesk.kernel.workflows import state_machine_arn


def _client() -> Any:
    return aws.client("scheduler")


def _group() -> str:
    return get_settings().require("schedule_group")


def upsert(
    name: str, expression: str, time_zone: str, machine: str, payload: dict[str, Any], *, enabled: bool = True
) -> None:
    """Create or update a schedule that starts `machine` with `payload` (flexible window off); a disabled
    schedule is kept but never fires."""
    client = _client()
    request = {
        "Name": name,
        "GroupName": _group(),
        "ScheduleExpression": expression,
        "ScheduleExpressionTimezone": time_zone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED" if enabled else "DISABLED",
        "Target": {
            "Arn": state_machine_arn(machine),
            "RoleArn": get_settings().require("scheduler_role_arn"),
            "Input": json.dumps(payload),
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        },
    }
    try:
        client.update_schedule(**request)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        client.create_schedule(**request)


def delete(name: str) -> None:
    try:
        _client().delete_schedule(Name=name, GroupName=_group())
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceNotFoundException":
            raise


def describe(name: str) -> dict[str, Any] | None:
    try:
        return dict(_client().get_schedule(Name=name, GroupName=_group()))
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
