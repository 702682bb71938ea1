"""This process's calls to its own local AWS skip the socket (infra/local/in_process.py) and get the answers
the server gives over HTTP: the same application, the same status, the same body, errors included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from infra.local.aws import LocalAws
from infra.local.stack import free_port
from tests.integration.local_stack import local_aws_alone

pytestmark = pytest.mark.local_stack


@pytest.fixture(scope="module")
def local_aws() -> Iterator[LocalAws]:
    with local_aws_alone("us-east-1") as aws:
        yield aws


def _client(aws: LocalAws) -> Any:
    return boto3.client(
        "dynamodb", endpoint_url=aws.endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )


def test_this_process_is_answered_without_a_socket_and_as_over_http(local_aws: LocalAws) -> None:
    assert local_aws.transport is not None
    client = _client(local_aws)
    before = local_aws.transport.calls
    client.create_table(
        TableName="things",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    )
    client.put_item(TableName="things", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    in_process = client.get_item(TableName="things", Key={"pk": {"S": "a"}})
    assert local_aws.transport.calls - before == 3

    over_http = httpx.post(
        local_aws.endpoint,
        content=json.dumps({"TableName": "things", "Key": {"pk": {"S": "a"}}}),
        headers={
            "X-Amz-Target": "DynamoDB_20120810.GetItem",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=host, Signature=x",
        },
    )
    assert over_http.status_code == 200 and over_http.json()["Item"] == in_process["Item"]


def test_errors_come_back_as_the_server_sends_them(local_aws: LocalAws) -> None:
    with pytest.raises(ClientError) as refused:
        _client(local_aws).get_item(TableName="missing", Key={"pk": {"S": "a"}})
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_other_endpoints_are_left_to_the_network(local_aws: LocalAws) -> None:
    assert local_aws.transport is not None
    elsewhere = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    before = local_aws.transport.calls
    with pytest.raises(Exception, match="Could not connect"):
        elsewhere.list_tables()
    assert local_aws.transport.calls == before
