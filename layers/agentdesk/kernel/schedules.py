"""EventBridge Scheduler: upsert and delete the schedules that start a state machine."""

from __future__ import annotations

import json
import os
from typing import Any

from botocore.exceptions import ClientError

from agentdesk.kernel import aws
from agentdesk.kernel.workflows import state_machine_arn


def _client() -> Any:
    return aws.client("scheduler")


def _group() -> str:
    return os.environ["SCHEDULE_GROUP"]


def upsert(name: str, expression: str, time_zone: str, machine: str, payload: dict[str, Any]) -> None:
    """Create or update a schedule that starts `machine` with `payload` (flexible window off)."""
    client = _client()
    request = {
        "Name": name,
        "GroupName": _group(),
        "ScheduleExpression": expression,
        "ScheduleExpressionTimezone": time_zone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": {
            "Arn": state_machine_arn(machine),
            "RoleArn": os.environ["SCHEDULER_ROLE_ARN"],
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
