"""The one way to get an AWS client: cached per service, region and endpoint, so a warm function reuses
its clients and a changed endpoint (AWS_ENDPOINT_URL, read through the settings) gets fresh ones."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3

from agentdesk.kernel.settings import get_settings


def endpoint() -> str | None:
    """The configured endpoint override (none in an AWS account)."""
    return get_settings().aws_endpoint_url


@cache
def _client(service: str, region: str, endpoint_url: str | None, _configured: str | None) -> Any:
    # botocore itself reads AWS_ENDPOINT_URL (and per-service AWS_ENDPOINT_URL_<SERVICE>) when
    # endpoint_url is None; the configured endpoint is part of the key so a change builds a new client.
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url)


def client(service: str, endpoint_url: str | None = None) -> Any:
    """A client of `service` in the configured region; `endpoint_url` overrides the configured endpoint."""
    return _client(service, get_settings().region, endpoint_url, endpoint())
