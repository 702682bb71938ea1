"""Powertools Logger and Metrics shared by every function (service name from the environment).

Lambda's active X-Ray tracing (set by the CDK app) traces every invocation; the Powertools Tracer, which
would add a subsegment per AWS call, is left out because importing the X-Ray SDK adds about 0.3 s to
every cold start (see docs/performance.md).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics(namespace="AgentDesk")
