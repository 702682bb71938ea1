"""The package's context map, checked on the imports: contexts meet through services or events, never
through each other's store, and every pure domain imports nothing that does I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "agentdesk"
CONTEXTS = sorted(
    p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name != "kernel"
)
# What a pure domain may import besides pure domains: the kernel's pure parts (no clock, no AWS, no
# settings) and the wire models (contracts and events are data, no I/O).
PURE = {
    "agentdesk.kernel.errors",
    "agentdesk.kernel.timestamps",
    "agentdesk.kernel.identity",
    "agentdesk.kernel.events",
    "agentdesk.events",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("agentdesk")}


def _modules(context: str) -> list[Path]:
    return sorted((PACKAGE / context).rglob("*.py"))


def test_the_package_has_its_contexts() -> None:
    assert {"agents", "config", "realtime"} <= set(CONTEXTS)


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_context_never_reads_another_contexts_store(context: str) -> None:
    others = [c for c in CONTEXTS if c != context]
    offenders = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(context)
        for name in _imports(path)
        for other in others
        if name == f"agentdesk.{other}.store" or name.startswith(f"agentdesk.{other}.store.")
    }
    assert not offenders, sorted(offenders)


@pytest.mark.parametrize("context", CONTEXTS)
def test_a_pure_domain_imports_only_pure_modules(context: str) -> None:
    domain = PACKAGE / context / "domain"
    if not domain.exists():
        pytest.skip(f"{context} has no domain package")
    offenders = set()
    for path in sorted(domain.rglob("*.py")):
        for name in _imports(path):
            pure = (
                name.startswith(f"agentdesk.{context}.domain")
                or any(name == k or name.startswith(f"{k}.") for k in PURE)
                or ".domain" in name  # another context's pure rules (e.g. the agents' status names)
                or any(f".{part}" in name for part in ("contracts", "events", "pushes"))
            )
            if not pure:
                offenders.add(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offenders, sorted(offenders)
