"""JSON access logs for API Gateway v2 stages, written to a CloudWatch log group."""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_logs as logs
from constructs import Construct


@jsii.implements(apigwv2.IAccessLogSettings)
class AccessLogs:
    def __init__(self, destination: apigwv2.IAccessLogDestination, fields: Mapping[str, str]) -> None:
        self._destination = destination
        self._format = apigw.AccessLogFormat.custom(json.dumps(dict(fields), separators=(",", ":")))

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format


def access_logs(scope: Construct, construct_id: str, fields: Mapping[str, str]) -> AccessLogs:
    group = logs.LogGroup(
        scope, construct_id, retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
    )
    return AccessLogs(apigwv2.LogGroupLogDestination(group), fields)
