"""Generates the protocol documents from the code: docs/asyncapi.yaml (WebSocket actions, replies, pushes,
error codes) and docs/events.schema.json (the domain event), and the marked sections of the Markdown docs
(`<!-- name:start -->` … `<!-- name:end -->`: the transition table and the default pause codes).
`--check` fails if the files are stale.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from agentdesk.actions import ACTIONS
from agentdesk.agents.domain import pause_codes_markdown, transition_table_markdown
from agentdesk.events import EVENTS
from agentdesk.kernel.errors import ErrorCode
from agentdesk.kernel.events import EVENT_SCHEMA_VERSION
from agentdesk.realtime.pushes import PUSHES
from agentdesk.reporting.domain.reports import markdown as reports_markdown

ROOT = Path(__file__).resolve().parents[1]
ASYNCAPI = ROOT / "docs" / "asyncapi.yaml"
EVENT_SCHEMA = ROOT / "docs" / "events.schema.json"
# Markdown sections generated from the code: file -> marker name -> generator
SECTIONS: dict[Path, dict[str, Callable[[], str]]] = {
    ROOT / "docs" / "agent-state.md": {
        "pause-codes": pause_codes_markdown,
        "transition-table": transition_table_markdown,
    },
    ROOT / "docs" / "config-api.md": {"pause-codes": pause_codes_markdown},
    ROOT / "docs" / "reports.md": {"reports": reports_markdown},
}


def _schema(model: Any) -> dict[str, Any]:
    schema: dict[str, Any] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("title", None)
    return schema


def asyncapi() -> dict[str, Any]:
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    send: list[dict[str, str]] = []
    receive: list[dict[str, str]] = []
    for name in sorted(ACTIONS):
        registered = ACTIONS[name]
        schema = _schema(registered.request)
        schemas.update(schema.pop("$defs", {}))
        key = f"{name}Request"
        messages[key] = {
            "name": name,
            "title": name,
            "summary": registered.summary,
            "x-min-role": registered.min_role.value,
            "payload": schema,
        }
        if registered.customer:
            messages[key]["x-customer"] = True  # a customer's connection may send it too
        send.append({"$ref": f"#/channels/workspace/messages/{key}"})
        if registered.reply is not None:
            reply = _schema(registered.reply)
            schemas.update(reply.pop("$defs", {}))
            reply.setdefault("properties", {})
            reply["properties"] = {
                "type": {"const": "ack"},
                "requestId": {"type": "string"},
                **reply["properties"],
            }
            reply["required"] = ["type", "requestId", *reply.get("required", [])]
            messages[f"{name}Reply"] = {
                "name": f"{name} ack",
                "summary": f"The ack of {name}.",
                "payload": reply,
            }
            receive.append({"$ref": f"#/channels/workspace/messages/{name}Reply"})
    messages["ack"] = {
        "name": "ack",
        "summary": "The one successful reply to a request; carries the action's result fields.",
        "payload": {
            "type": "object",
            "required": ["type", "requestId"],
            "properties": {"type": {"const": "ack"}, "requestId": {"type": ["string", "null"]}},
            "additionalProperties": True,
        },
    }
    messages["error"] = {
        "name": "error",
        "summary": "The one failed reply to a request: a stable code, a readable message, the field at fault.",
        "payload": {"$ref": "#/components/schemas/Error"},
    }
    receive += [{"$ref": "#/channels/workspace/messages/ack"}, {"$ref": "#/channels/workspace/messages/error"}]
    for kind, (model, summary) in sorted(PUSHES.items()):
        schema = _schema(model)
        schemas.update(schema.pop("$defs", {}))
        key = kind.replace(".", "_")
        messages[key] = {"name": kind, "summary": summary, "payload": schema}
        receive.append({"$ref": f"#/channels/workspace/messages/{key}"})
    schemas["ErrorCode"] = {"type": "string", "enum": [code.value for code in ErrorCode]}
    schemas["Error"] = {
        "type": "object",
        "required": ["type", "requestId", "code", "message"],
        "properties": {
            "type": {"const": "error"},
            "requestId": {"type": ["string", "null"], "description": "null when the frame could not be read"},
            "code": {"$ref": "#/components/schemas/ErrorCode"},
            "message": {"type": "string"},
            "field": {"type": "string"},
            "retryAfterSeconds": {
                "type": "integer",
                "minimum": 1,
                "description": "RATE_LIMITED only: wait this long before sending again on this connection",
            },
        },
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Agent Desk workspace protocol",
            "version": "1.0.0",
            "description": (
                "JSON messages over one WebSocket per browser tab. Connect to `wsUrl?token=<Cognito IdToken>`, "
                "or, for a customer's chat, `wsUrl?token=<customer token>` (from POST /api/chat/sessions); "
                "a missing, forged or expired token is refused with HTTP 401 before the socket opens. A "
                "customer's connection may send only the requests marked `x-customer` (any other is refused "
                "with FORBIDDEN) and receives only pushes about its own chat. Every "
                "request carries `action` and `requestId` and gets exactly one reply, `ack` or `error`. "
                "Requests on one connection are rate limited; over the limit the reply is the error "
                "RATE_LIMITED with `retryAfterSeconds` and nothing is done. "
                "Server pushes carry a `type`. Generated from the code by scripts/gen_docs.py."
            ),
        },
        "servers": {
            "cloud": {"host": "{apiId}.execute-api.{region}.amazonaws.com", "pathname": "/prod", "protocol": "wss"},
            "local": {"host": "127.0.0.1:8080", "pathname": "/ws", "protocol": "ws"},
        },
        "channels": {"workspace": {"address": "/", "messages": messages}},
        "operations": {
            "sendRequest": {"action": "receive", "channel": {"$ref": "#/channels/workspace"}, "messages": send},
            "receiveReplyOrPush": {
                "action": "send",
                "channel": {"$ref": "#/channels/workspace"},
                "messages": receive,
            },
        },
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def event_schema() -> dict[str, Any]:
    schema = EVENTS.json_schema()
    schema["title"] = "Agent Desk event"
    schema["description"] = (
        f"Schema version {EVENT_SCHEMA_VERSION}. One JSON document per event, keyed on `type`; each type has "
        "its own `data`. Written to the events table with the change it describes, then to Kinesis."
    )
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://agentdesk.example/schemas/event.json"
    return schema


def with_sections(text: str, sections: dict[str, Callable[[], str]]) -> str:
    """`text` with each marked section replaced by its generated content."""
    for name, generate in sections.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"missing markers <!-- {name}:start/end -->")
        text = pattern.sub(lambda m, g=generate: m.group(1) + g() + m.group(2), text)
    return text


def render() -> dict[Path, str]:
    documents = {
        ASYNCAPI: yaml.safe_dump(asyncapi(), sort_keys=False, width=110, allow_unicode=True),
        EVENT_SCHEMA: json.dumps(event_schema(), indent=2) + "\n",
    }
    for path, sections in SECTIONS.items():
        documents[path] = with_sections(path.read_text(encoding="utf-8"), sections)
    return documents


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for path, text in render().items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.relative_to(ROOT))
        else:
            path.write_text(text)
    if stale:
        print(f"stale: {', '.join(map(str, stale))}; run `.venv/bin/python scripts/gen_docs.py`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
