"""The synthesized template, and ways to find resources in it by construct path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import App
from aws_cdk.assertions import Template

from infra.cloud import AgentDeskStack

ROOT = Path(__file__).resolve().parents[2]
STACK_PATH = "AgentDesk"


def pascal(name: str) -> str:
    """The construct-id form of a wiring name (ws-connect → WsConnect), as infra.cloud builds it."""
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def refs(value: Any) -> set[str]:
    """Logical ids a template value refers to (Ref / Fn::GetAtt), however deep."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value:
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for inner in value.values():
            found |= refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= refs(inner)
    return found


@dataclass
class Synth:
    app: App
    stack: AgentDeskStack
    outdir: Path
    template: dict[str, Any]

    @property
    def assertions(self) -> Template:
        return Template.from_json(self.template)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template["Resources"]

    def of_type(self, cfn_type: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == cfn_type}

    def logical_id(self, construct_path: str) -> str:
        """The logical id of the resource at `AgentDesk/<construct_path>` (e.g. Data/EventsTable/Resource)."""
        wanted = f"{STACK_PATH}/{construct_path}"
        found = [lid for lid, r in self.resources.items() if r.get("Metadata", {}).get("aws:cdk:path") == wanted]
        assert len(found) == 1, f"expected one resource at {wanted}, found {found}"
        return found[0]

    def policy_statements(self, role_logical_id: str) -> list[dict[str, Any]]:
        """Every statement of the inline policies attached to one role."""
        statements: list[dict[str, Any]] = []
        for policy in self.of_type("AWS::IAM::Policy").values():
            roles = policy["Properties"].get("Roles", [])
            if {"Ref": role_logical_id} in roles:
                statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
        for inline in self.resources[role_logical_id]["Properties"].get("Policies", []):
            statements.extend(inline["PolicyDocument"]["Statement"])
        return statements

    def function_id(self, name: str) -> str:
        return self.logical_id(f"Functions/{pascal(name)}/Function/Resource")

    def role_id(self, name: str) -> str:
        return self.logical_id(f"Functions/{pascal(name)}/Role/Resource")

    def table_id(self, name: str) -> str:
        return self.logical_id(f"Data/{pascal(name)}Table/Resource")


PSEUDO = {"AWS::Region": "eu-west-1", "AWS::URLSuffix": "amazonaws.com", "AWS::AccountId": "111122223333"}


def render(value: Any) -> str:
    """A template string value as it would deploy: pseudo parameters filled in, <LogicalId> for refs."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return PSEUDO.get(value["Ref"], f"<{value['Ref']}>")
    if "Fn::GetAtt" in value:
        return f"<{value['Fn::GetAtt'][0]}.{value['Fn::GetAtt'][1]}>"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(render(part) for part in parts)
    raise ValueError(f"cannot render {value!r}")


def dependency_cycle(template: dict[str, Any]) -> list[str] | None:
    """A cycle among the resources' Ref / Fn::GetAtt / DependsOn edges, or None (CloudFormation rejects cycles)."""
    resources = template["Resources"]
    edges: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else depends_on
        edges[logical_id] = (refs(resource.get("Properties", {})) | set(depends_on)) & set(resources)
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(edges[node]):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for node in sorted(edges):
        cycle = visit(node)
        if cycle:
            return cycle
    return None
