"""CloudFormation custom resources: the answer a Lambda-backed custom resource owes CloudFormation (a PUT
of the outcome to the pre-signed ResponseURL), so the deployment waits for the work and sees failures."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


def respond(event: dict[str, Any], status: str, reason: str = "", data: dict[str, str] | None = None) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:1000] or status,
            "PhysicalResourceId": event.get("PhysicalResourceId") or event["LogicalResourceId"],
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data or {},
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is CloudFormation's own pre-signed https URL
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(body))}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()
