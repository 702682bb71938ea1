"""Synthesizes the CDK app once per test session; every infra test reads that one template.

Bundling is skipped here (the layer is built by pip in test_layer_bundle.py), so the synth takes
seconds and needs no network. The web app is a one-file stand-in, so these tests do not need web/dist.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from aws_cdk import App

from infra.app import build

from .synthesis import Synth


@pytest.fixture(scope="session")
def web_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("web-dist")
    (dist / "index.html").write_text("<!doctype html><title>Agent Desk</title>", encoding="utf-8")
    return dist


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory, web_dist: Path) -> Iterator[Synth]:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = App(
        outdir=str(outdir),
        context={
            "aws:cdk:bundling-stacks": [],
            "aws:cdk:enable-path-metadata": True,
            "aws:cdk:enable-asset-metadata": True,
            "webDist": str(web_dist),
        },
    )
    stack = build(app)
    app.synth()
    template = json.loads((outdir / stack.template_file).read_text(encoding="utf-8"))
    yield Synth(app=app, stack=stack, outdir=outdir, template=template)
