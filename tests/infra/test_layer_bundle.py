"""The real layer builds: pip fetches the pinned wheels for CPython 3.13 on arm64 (needs PyPI) and the
agentdesk package is copied beside them, exactly as `cdk synth` does without Docker; the DuckDB layer holds
DuckDB alone, and the shared layer no longer carries it."""

from __future__ import annotations

import re
from importlib.metadata import PathDistribution
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from infra.cloud.layer import LocalLayerBundler, duckdb_bundler, layer_bundling

from .synthesis import ROOT

# What the Lambda Python 3.13 runtime already has (boto3 and its dependencies).
RUNTIME_PROVIDED = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six"}

LAMBDA_ENVIRONMENT = {
    **default_environment(),
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "aarch64",
    "os_name": "posix",
}


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layer")
    assert LocalLayerBundler().try_bundle(str(out), layer_bundling()) is True
    return out


@pytest.fixture(scope="module")
def duckdb_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("duckdb-layer")
    bundler = duckdb_bundler()
    assert bundler.try_bundle(str(out), layer_bundling(bundler)) is True
    return out


def _size(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file())


@pytest.mark.slow
def test_layer_has_the_package_and_arm64_binaries(layer: Path) -> None:
    python = layer / "python"
    assert (python / "agentdesk" / "wiring.py").read_bytes() == (ROOT / "layers/agentdesk/wiring.py").read_bytes()
    assert not list(python.glob("agentdesk/**/__pycache__"))
    cores = list((python / "pydantic_core").glob("_pydantic_core.cpython-313-aarch64-linux-gnu.so"))
    assert cores, "pydantic-core must be the CPython 3.13 aarch64 build"
    assert list(python.glob("cryptography/hazmat/bindings/_rust.abi3.so"))
    assert not list(python.glob("**/*x86_64*.so"))


@pytest.mark.slow
def test_layer_holds_every_pin_and_nothing_the_runtime_provides(layer: Path) -> None:
    installed = {
        _canonical(PathDistribution(info).metadata["Name"]): PathDistribution(info)
        for info in (layer / "python").glob("*.dist-info")
    }
    pins = {}
    for line in (ROOT / "layers" / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            pins[_canonical(requirement.name)] = requirement
    assert set(installed) == set(pins)
    for name, requirement in pins.items():
        assert requirement.specifier.contains(installed[name].version), name
    assert not (set(installed) & RUNTIME_PROVIDED)


@pytest.mark.slow
def test_layer_dependencies_are_closed(layer: Path) -> None:
    """Installed with --no-deps, so every dependency must be pinned too or come with the runtime."""
    installed = {
        _canonical(PathDistribution(info).metadata["Name"]): PathDistribution(info)
        for info in (layer / "python").glob("*.dist-info")
    }
    extras = {
        _canonical(r.name): r.extras
        for r in (
            Requirement(line)
            for line in (ROOT / "layers" / "requirements.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        )
    }
    missing = set()
    for name, dist in installed.items():
        for line in dist.requires or []:
            requirement = Requirement(line)
            wanted = [{**LAMBDA_ENVIRONMENT, "extra": extra} for extra in ("", *extras.get(name, ()))]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in wanted):
                continue
            dependency = _canonical(requirement.name)
            if dependency not in installed and dependency not in RUNTIME_PROVIDED:
                missing.add(f"{name} needs {requirement}")
    assert not missing, sorted(missing)


@pytest.mark.slow
def test_duckdb_has_a_layer_of_its_own(layer: Path, duckdb_layer: Path) -> None:
    """DuckDB (~59 MB unzipped) is on its own layer, which holds nothing else; the shared layer stays small."""
    python = duckdb_layer / "python"
    names = {_canonical(PathDistribution(info).metadata["Name"]) for info in python.glob("*.dist-info")}
    assert names == {"duckdb"}
    assert list(python.glob("**/*.cpython-313-aarch64-linux-gnu.so")), "DuckDB must be the CPython 3.13 aarch64 build"
    assert not (python / "agentdesk").exists()
    assert not list((layer / "python").glob("duckdb*"))
    mib = 2**20
    assert 40 * mib < _size(python) < 90 * mib
    # Lambda's limit: a function and its layers at most 250 MB unzipped
    assert _size(layer) + _size(duckdb_layer) < 200 * mib
