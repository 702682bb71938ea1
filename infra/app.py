"""The CDK app: `cdk synth` / `cdk deploy` run `python -m infra.app` (see cdk.json).

Context values (`cdk synth -c name=value`):
  stackName  name of the stack (default AgentDesk)
  webDist    the built web app to deploy (default web/dist)
  retainData "false" to let a stack deletion also delete tables, user pool, stream and lake
  logLevel   LOG_LEVEL of every function (default INFO)
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import App, Aspects, Environment, Tags
from cdk_nag import AwsSolutionsChecks

from infra.cloud import AgentDeskStack
from infra.cloud.paths import DEFAULT_WEB_DIST, ROOT


def build(app: App) -> AgentDeskStack:
    """Add the stack and the cdk-nag checks to `app`."""
    web_dist = Path(app.node.try_get_context("webDist") or DEFAULT_WEB_DIST)
    stack = AgentDeskStack(
        app,
        app.node.try_get_context("stackName") or "AgentDesk",
        description="Agent Desk: contact-centre agent workspace",
        web_dist=web_dist if web_dist.is_absolute() else ROOT / web_dist,
        retain_data=str(app.node.try_get_context("retainData") or "true").lower() != "false",
        log_level=app.node.try_get_context("logLevel") or "INFO",
        reserve_concurrency=str(app.node.try_get_context("reservedConcurrency") or "true").lower() != "false",
        env=Environment(
            account=app.node.try_get_context("account") or None,
            region=app.node.try_get_context("region") or None,
        ),
    )
    Tags.of(stack).add("project", "agentdesk")
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return stack


def main() -> None:
    app = App()
    build(app)
    app.synth()


if __name__ == "__main__":
    main()
