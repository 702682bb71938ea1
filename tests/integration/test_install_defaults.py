"""The deployment custom resource installs the default pause codes and answers CloudFormation."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from agentdesk.config import store as config_store
from functions.install_defaults.handler import handler
from infra.local.lambda_runtime import LocalContext


@pytest.fixture
def cloudformation() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A stand-in for CloudFormation's pre-signed response URL that keeps what it receives."""
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/response", received
    server.shutdown()


def event(kind: str, url: str) -> dict[str, Any]:
    return {
        "RequestType": kind,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/agentdesk/1",
        "RequestId": f"req-{kind}",
        "LogicalResourceId": "InstallDefaultsOnDeploy",
        "ResourceType": "Custom::InstallDefaults",
        "ResourceProperties": {"Version": "1"},
    }


def context() -> LocalContext:
    return LocalContext("agentdesk-install-defaults", 512, "arn:aws:lambda:us-east-1:1:function:x", 60)


def test_create_installs_the_defaults_once_and_answers(aws: Any, cloudformation: tuple[str, list[Any]]) -> None:
    url, received = cloudformation
    handler(event("Create", url), context())
    ids = {code.id for code in config_store.pause_codes()}
    assert {"break", "lunch", "training", "meeting", "technical-issue", "wrap-up", "disconnected"} <= ids
    assert received[0]["Status"] == "SUCCESS" and received[0]["RequestId"] == "req-Create"
    assert "break" in received[0]["Data"]["Created"]

    handler(event("Update", url), context())  # nothing new to create: idempotent
    assert received[1]["Status"] == "SUCCESS" and received[1]["Data"]["Created"] == ""
    handler(event("Delete", url), context())  # the configuration outlives the resource
    assert received[2]["Status"] == "SUCCESS"
    assert {code.id for code in config_store.pause_codes()} == ids
