"""The Lambda layers: the shared one (the `agentdesk` package plus the pinned runtime dependencies, on every
function) and the DuckDB one (the report SQL engine, ~59 MB: only on the functions in DUCKDB_FUNCTIONS).

Both are built on this machine with pip for the Lambda platform (CPython 3.13 on arm64), never in a container:
`cdk synth` must work where no Docker engine exists.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from .paths import (
    ASSET_EXCLUDES,
    DUCKDB_LAYER_DIR,
    DUCKDB_REQUIREMENTS,
    LAYER_DIR,
    LAYER_PACKAGE_DIR,
    LAYER_REQUIREMENTS,
    SHARED_LAYER_EXCLUDES,
)

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
PIP_PLATFORM = "manylinux2014_aarch64"
PIP_PYTHON_VERSION = "3.13"
# The functions that run the report SQL (agentdesk.reporting.exports imports duckdb): they get the DuckDB layer.
DUCKDB_FUNCTIONS = ("reporting-export",)


def pip_install_command(requirements: Path, target: Path) -> list[str]:
    """pip, run by this interpreter, fetching binary wheels for the Lambda platform into `target`."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--platform",
        PIP_PLATFORM,
        "--implementation",
        "cp",
        "--python-version",
        PIP_PYTHON_VERSION,
        "--only-binary=:all:",
        # requirements.txt pins every transitive dependency; without this pip would also pull
        # botocore and friends, which the runtime already provides.
        "--no-deps",
        # Byte code compiled by this interpreter would not match the runtime's Python version.
        "--no-compile",
        "--target",
        str(target),
        "-r",
        str(requirements),
    ]


def build_layer(output_dir: Path, requirements: Path, package_dir: Path | None) -> None:
    """Lay the layer out as Lambda expects: everything importable lives under python/ (the package, if any,
    beside the requirements)."""
    python_dir = output_dir / "python"
    python_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(pip_install_command(requirements, python_dir), check=True)  # noqa: S603
    if package_dir is None:
        return
    shutil.copytree(
        package_dir,
        python_dir / package_dir.name,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        dirs_exist_ok=True,
    )


@jsii.implements(ILocalBundling)
class LocalLayerBundler:
    """Bundles the layer with the local pip; reports failure loudly instead of falling back to Docker."""

    def __init__(self, requirements: Path = LAYER_REQUIREMENTS, package_dir: Path | None = LAYER_PACKAGE_DIR) -> None:
        self.requirements = requirements
        self.package_dir = package_dir

    def try_bundle(self, output_dir: str, *_options: object, **_keywords: object) -> bool:
        build_layer(Path(output_dir), self.requirements, self.package_dir)
        return True


def layer_bundling(bundler: LocalLayerBundler | None = None) -> BundlingOptions:
    # The image is never pulled: local bundling always succeeds or raises.
    return BundlingOptions(image=DockerImage.from_registry("unused"), local=bundler or LocalLayerBundler())


def duckdb_bundler() -> LocalLayerBundler:
    return LocalLayerBundler(DUCKDB_REQUIREMENTS, None)


class SharedLayer(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            description="agentdesk package and its pinned runtime dependencies",
            code=lambda_.Code.from_asset(
                str(LAYER_DIR),
                exclude=SHARED_LAYER_EXCLUDES,
                # Hash the sources (package + requirements.txt), so an unchanged layer is not rebuilt.
                asset_hash_type=AssetHashType.SOURCE,
                bundling=layer_bundling(),
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
        )


class DuckDbLayer(Construct):
    """DuckDB alone, for the functions that run the report SQL (kept off the shared layer: ~59 MB unzipped)."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            description="DuckDB, the report exporter's SQL engine",
            code=lambda_.Code.from_asset(
                str(DUCKDB_LAYER_DIR),
                exclude=ASSET_EXCLUDES,
                asset_hash_type=AssetHashType.SOURCE,  # the pinned requirements.txt
                bundling=layer_bundling(duckdb_bundler()),
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
        )
