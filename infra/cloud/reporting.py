"""The event stream and the data lake: Kinesis → Firehose → S3 (partitioned by date), catalogued in Glue."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy, Size, Stack
from aws_cdk import aws_glue as glue
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from agentdesk import wiring

from .nag import suppress

DEFAULT_STREAMS = ("events",)
RAW_EVENTS_PREFIX = "raw/events/dt=!{timestamp:yyyy-MM-dd}/"
ERROR_PREFIX = "errors/events/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"


def lake_prefixes(name: str, first: bool) -> tuple[str, str]:
    """Data and error prefixes of one stream in the lake: the first stream is the raw event feed."""
    if first:
        return RAW_EVENTS_PREFIX, ERROR_PREFIX
    return (
        f"raw/{name}/dt=!{{timestamp:yyyy-MM-dd}}/",
        f"errors/{name}/!{{firehose:error-output-type}}/dt=!{{timestamp:yyyy-MM-dd}}/",
    )


def stream_names() -> tuple[str, ...]:
    """The Kinesis streams of the product: those the wiring names, else the one event stream."""
    return wiring.KINESIS_STREAMS or DEFAULT_STREAMS


def stream_env_var(name: str) -> str:
    return "EVENT_STREAM" if name == "events" else f"{name.upper().replace('-', '_')}_STREAM"


class Reporting(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        access_logs: s3.IBucket,
        removal_policy: RemovalPolicy,
        streams: Sequence[str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        names = tuple(streams) if streams is not None else stream_names()
        self.streams: dict[str, kinesis.Stream] = {
            name: kinesis.Stream(
                self,
                f"{_pascal(name)}Stream",
                stream_mode=kinesis.StreamMode.ON_DEMAND,
                encryption=kinesis.StreamEncryption.MANAGED,
                retention_period=Duration.hours(24),
                # Transport only (24 h, all of it delivered to the lake): a retained stream would keep
                # billing its hourly charge after the stack is gone.
                removal_policy=RemovalPolicy.DESTROY,
            )
            for name in names
        }

        self.lake = s3.Bucket(
            self,
            "Lake",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=False,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="lake/",
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-delivery-errors", prefix="errors/", expiration=Duration.days(30)),
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
                ),
            ],
            removal_policy=removal_policy,
            auto_delete_objects=False,
        )

        delivery_logs = logs.LogGroup(
            self,
            "DeliveryLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        lake_id = Stack.of(self).resolve(self.lake.bucket_arn)["Fn::GetAtt"][0]
        self.delivery_streams: dict[str, firehose.DeliveryStream] = {}
        for name, stream in self.streams.items():
            prefix, error_prefix = lake_prefixes(name, first=name == names[0])
            delivery = firehose.DeliveryStream(
                self,
                f"{_pascal(name)}ToLake",
                source=firehose.KinesisStreamSource(stream),
                destination=firehose.S3Bucket(
                    self.lake,
                    data_output_prefix=prefix,
                    error_output_prefix=error_prefix,
                    buffering_interval=Duration.minutes(5),
                    buffering_size=Size.mebibytes(64),
                    compression=firehose.Compression.GZIP,
                    logging_config=firehose.EnableLogging(delivery_logs),
                ),
            )
            suppress(
                delivery,
                "KDF1",
                "Firehose cannot encrypt at rest when its source is a Kinesis stream; the records are "
                "encrypted in the source stream and again (SSE-S3) in the lake bucket.",
            )
            suppress(
                delivery,
                "IAM5",
                "Firehose's S3 destination role (made by aws-cdk-lib) may write, list and clean up "
                "multipart uploads of objects in the lake bucket only; object keys are dated at run time.",
                applies_to=[
                    "Action::s3:GetObject*",
                    "Action::s3:GetBucket*",
                    "Action::s3:List*",
                    "Action::s3:DeleteObject*",
                    "Action::s3:Abort*",
                    f"Resource::<{lake_id}.Arn>/*",
                ],
            )
            self.delivery_streams[name] = delivery

        stack = Stack.of(self)
        self.database = glue.CfnDatabase(
            self,
            "Catalog",
            catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=f"{stack.stack_name.lower().replace('-', '_')}_reports",
                description="Agent Desk raw events and daily reports, for Athena",
                location_uri=self.lake.s3_url_for_object("raw/"),
            ),
        )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
