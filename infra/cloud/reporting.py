"""The event stream and the data lake: Kinesis → Firehose → S3 (one JSON event a line, gzipped, partitioned by
date), catalogued in Glue (`raw_events`, partition projection on dt; `queue_rules`, the queues' SLA thresholds
the exporter writes beside them), with an Athena workgroup and one named query per report (the same SQL the
exporter runs with DuckDB over the same files: layers/agentdesk/reporting/sql/)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy, Size, Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from agentdesk import wiring
from agentdesk.reporting.domain.lake_schema import PARTITION, QUEUE_RULES, glue_columns
from agentdesk.reporting.domain.reports import REPORTS
from agentdesk.reporting.lake import ATHENA_RESULTS_PREFIX, QUEUE_RULES_PREFIX
from agentdesk.reporting.queries import sql_text

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
            # One JSON document a line, as the lake's readers (Athena's JSON SerDe, DuckDB) expect.
            cfn = delivery.node.default_child
            assert isinstance(cfn, firehose.CfnDeliveryStream)
            cfn.add_property_override(
                "ExtendedS3DestinationConfiguration.ProcessingConfiguration",
                {"Enabled": True, "Processors": [{"Type": "AppendDelimiterToRecord"}]},
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
        database_name = f"{stack.stack_name.lower().replace('-', '_')}_reports"
        self.raw_events = glue.CfnTable(
            self,
            "RawEvents",
            catalog_id=stack.account,
            database_name=database_name,
            table_input=glue.CfnTable.TableInputProperty(
                name="raw_events",
                description="Every event of the stream as delivered (docs/events.md); columns: what the reports read",
                table_type="EXTERNAL_TABLE",
                partition_keys=[glue.CfnTable.ColumnProperty(name=PARTITION[0], type=PARTITION[1])],
                parameters={
                    "classification": "json",
                    "compressionType": "gzip",
                    # Partition projection: every dt=YYYY-MM-DD/ folder is a partition without a crawler.
                    "projection.enabled": "true",
                    "projection.dt.type": "date",
                    "projection.dt.format": "yyyy-MM-dd",
                    "projection.dt.range": "2024-01-01,NOW",
                    "projection.dt.interval": "1",
                    "projection.dt.interval.unit": "DAYS",
                    "storage.location.template": self.lake.s3_url_for_object("raw/events/dt=${dt}/"),
                },
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=self.lake.s3_url_for_object("raw/events/"),
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.openx.data.jsonserde.JsonSerDe",
                        parameters={"ignore.malformed.json": "true", "case.insensitive": "true"},
                    ),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in glue_columns()],
                ),
            ),
        )
        self.raw_events.add_dependency(self.database)
        self.queue_rules = glue.CfnTable(
            self,
            "QueueRules",
            catalog_id=stack.account,
            database_name=database_name,
            table_input=glue.CfnTable.TableInputProperty(
                name="queue_rules",
                description="Each queue's SLA threshold as the exporter last read it (the queue reports join it)",
                table_type="EXTERNAL_TABLE",
                parameters={"classification": "json"},
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=self.lake.s3_url_for_object(QUEUE_RULES_PREFIX),
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.openx.data.jsonserde.JsonSerDe",
                        parameters={"ignore.malformed.json": "true"},
                    ),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in glue_columns(QUEUE_RULES)],
                ),
            ),
        )
        self.queue_rules.add_dependency(self.database)
        self.workgroup = athena.CfnWorkGroup(
            self,
            "Workgroup",
            name=f"{stack.stack_name}-reports",
            description="Agent Desk reports over the event lake",
            state="ENABLED",
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=10 * 1024**3,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=self.lake.s3_url_for_object(ATHENA_RESULTS_PREFIX),
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_S3"
                    ),
                ),
            ),
        )
        self.named_queries = {}
        for report in REPORTS:
            query = athena.CfnNamedQuery(
                self,
                f"{_pascal(report.name)}Query",
                name=report.name,
                description=f"{report.title} for one site's local day; parameters: see docs/reports.md",
                database=database_name,
                work_group=self.workgroup.ref,
                query_string=sql_text(report),
            )
            query.add_dependency(self.workgroup)
            self.named_queries[report.name] = query

    def grant_lake(self, specs: Sequence[wiring.Function], functions: dict[str, lambda_.Function]) -> None:
        """Give the functions that declare `lake` their access to the bucket and its name (LAKE_BUCKET)."""
        lake_id = Stack.of(self).resolve(self.lake.bucket_arn)["Fn::GetAtt"][0]
        for spec in specs:
            if spec.lake is None:
                continue
            function = functions[spec.name]
            if spec.lake is wiring.Access.WRITE:
                self.lake.grant_read_write(function)
            else:
                self.lake.grant_read(function)
            function.add_environment("LAKE_BUCKET", self.lake.bucket_name)
            role = function.role
            assert isinstance(role, iam.Role)
            suppress(
                role,
                "IAM5",
                "Reads the day's raw event objects and writes the report exports in the lake bucket only; their "
                "keys are dated at run time, so the grant is on the bucket's objects.",
                applies_to=[
                    "Action::s3:GetObject*",
                    "Action::s3:GetBucket*",
                    "Action::s3:List*",
                    "Action::s3:DeleteObject*",
                    "Action::s3:Abort*",
                    f"Resource::<{lake_id}.Arn>/*",
                ],
            )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))
