import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from functions.transform import EARLIEST_DATE
from serverless_data_lake.serverless_data_lake_stack import ServerlessDataLakeStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> ServerlessDataLakeStack:
    return ServerlessDataLakeStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ServerlessDataLakeStack) -> Template:
    return Template.from_stack(stack)


def resources(template: Template, type_: str) -> dict[str, dict[str, Any]]:
    return template.find_resources(type_)


def id_of(template: Template, type_: str, path: str) -> str:
    """The logical id CDK derives from a construct path, e.g. Zones/RawBucket -> ZonesRawBucket1A2B3C4D."""
    pattern = re.compile("^" + path.replace("/", "") + "[0-9A-F]{8}$")
    found = [i for i in resources(template, type_) if pattern.match(i)]
    assert len(found) == 1, f"one {type_} at {path}"
    return found[0]


def props(template: Template, type_: str, path: str) -> dict[str, Any]:
    return resources(template, type_)[id_of(template, type_, path)]["Properties"]


def test_keeps_every_zone_in_its_own_private_encrypted_tls_only_bucket(template: Template) -> None:
    buckets = resources(template, "AWS::S3::Bucket")
    assert len(buckets) == 4
    for bucket in buckets.values():
        assert bucket["Properties"]["BucketEncryption"] == {
            "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        }
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
    for policy_id, policy in resources(template, "AWS::S3::BucketPolicy").items():
        denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        assert any(s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in denies), f"{policy_id} refuses plain HTTP"
        assert any(s.get("Condition") == {"NumericLessThan": {"s3:TlsVersion": 1.2}} for s in denies), f"{policy_id} refuses TLS below 1.2"


def test_versions_the_raw_zone_only_and_logs_raw_and_curated_access(template: Template) -> None:
    raw = props(template, "AWS::S3::Bucket", "Zones/RawBucket")
    curated = props(template, "AWS::S3::Bucket", "Zones/CuratedBucket")
    logs = id_of(template, "AWS::S3::Bucket", "Zones/AccessLogs")
    assert props(template, "AWS::S3::Bucket", "Zones/AccessLogs")["LifecycleConfiguration"]["Rules"] == [
        {"Id": "expire-access-logs", "Status": "Enabled", "ExpirationInDays": 90}
    ]
    assert raw["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "VersioningConfiguration" not in curated
    assert raw["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": logs}, "LogFilePrefix": "raw/"}
    assert curated["LoggingConfiguration"] == {"DestinationBucketName": {"Ref": logs}, "LogFilePrefix": "curated/"}
    assert raw["LifecycleConfiguration"]["Rules"] == [
        {"Id": "raw-to-infrequent-access", "Status": "Enabled", "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 90}]},
        {
            "Id": "expire-old-versions",
            "Status": "Enabled",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "ExpiredObjectDeleteMarker": True,
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
        },
    ]
    assert curated["LifecycleConfiguration"]["Rules"] == [
        {"Id": "expire-quarantine", "Prefix": "quarantine/", "Status": "Enabled", "ExpirationInDays": 90},
        {"Id": "abort-incomplete-uploads", "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
    ]


def test_invokes_the_transform_for_every_object_created_under_incoming(template: Template) -> None:
    transform = id_of(template, "AWS::Lambda::Function", "Transform")
    raw = id_of(template, "AWS::S3::Bucket", "Zones/RawBucket")
    template.has_resource_properties(
        "Custom::S3BucketNotifications",
        {
            "BucketName": {"Ref": raw},
            "NotificationConfiguration": {
                "LambdaFunctionConfigurations": [
                    {
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "incoming/"}]}},
                        "LambdaFunctionArn": {"Fn::GetAtt": [transform, "Arn"]},
                    }
                ]
            },
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "FunctionName": {"Fn::GetAtt": [transform, "Arn"]},
            "Principal": "s3.amazonaws.com",
            "SourceAccount": {"Ref": "AWS::AccountId"},
            "SourceArn": {"Fn::GetAtt": [raw, "Arn"]},
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "transform.handler",
            "TracingConfig": {"Mode": "Active"},
            "Environment": {"Variables": {"CURATED_BUCKET_NAME": {"Ref": id_of(template, "AWS::S3::Bucket", "Zones/CuratedBucket")}}},
        },
    )


def test_transform_may_read_raw_uploads_and_write_curated_and_quarantined_objects_only(template: Template) -> None:
    role = id_of(template, "AWS::IAM::Role", "TransformRole")
    statements = [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role}]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]

    def actions(s: dict[str, Any]) -> list[str]:
        return [s["Action"]] if isinstance(s["Action"], str) else s["Action"]

    raw = id_of(template, "AWS::S3::Bucket", "Zones/RawBucket")
    curated = id_of(template, "AWS::S3::Bucket", "Zones/CuratedBucket")

    def objects(bucket: str, prefix: str) -> dict[str, Any]:
        return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, f"/{prefix}*"]]}

    s3 = [(s["Action"], s["Resource"]) for s in statements if any(a.startswith("s3:") for a in actions(s))]
    assert s3 == [
        (["s3:GetObject", "s3:GetObjectVersion"], objects(raw, "incoming/")),
        ("s3:PutObject", [objects(curated, "orders/"), objects(curated, "quarantine/")]),
    ]
    others = sorted(a for s in statements for a in actions(s) if not a.startswith("s3:"))
    assert others == [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:SendMessage",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
    ]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
            "Description": Match.string_like_regexp("^Lake transform"),
        },
    )


def test_declares_the_curated_table_with_its_json_schema_and_date_partition_projection(template: Template) -> None:
    template.resource_count_is("AWS::Glue::Crawler", 0)
    database = id_of(template, "AWS::Glue::Database", "Catalog/LakeDatabase")
    template.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": {"Name": "under_test_lake"}})
    curated = id_of(template, "AWS::S3::Bucket", "Zones/CuratedBucket")

    def location(suffix: str) -> dict[str, Any]:
        return {"Fn::Join": ["", ["s3://", {"Ref": curated}, suffix]]}

    table = next(iter(resources(template, "AWS::Glue::Table").values()))["Properties"]
    assert table["DatabaseName"] == {"Ref": database}
    table_input = table["TableInput"]
    assert table_input["Name"] == "orders"
    assert table_input["PartitionKeys"] == [{"Name": "dt", "Type": "string", "Comment": "UTC date of placed_at, yyyy-MM-dd"}]
    assert table_input["Parameters"] == {
        "classification": "json",
        "compressionType": "gzip",
        "projection.enabled": "true",
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": "2020-01-01,NOW",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": location("/orders/dt=${dt}/"),
    }
    # The transform refuses records before the first projected day, so none is written where no query looks.
    assert table_input["Parameters"]["projection.dt.range"].split(",")[0] == EARLIEST_DATE
    sd = table_input["StorageDescriptor"]
    assert sd["Location"] == location("/orders/")
    assert sd["SerdeInfo"]["SerializationLibrary"] == "org.apache.hive.hcatalog.data.JsonSerDe"
    assert [f"{c['Name']} {c['Type']}" for c in sd["Columns"]] == [
        "order_id string",
        "customer_id string",
        "placed_at timestamp",
        "total double",
        "currency string",
        "source_key string",
        "source_line int",
    ]


def test_enforces_the_workgroup_settings_encrypted_results_and_a_per_query_scan_cutoff(template: Template) -> None:
    results = id_of(template, "AWS::S3::Bucket", "Analytics/QueryResults")
    template.has_resource_properties(
        "AWS::Athena::WorkGroup",
        {
            "Name": "Under-Test-lake",
            "State": "ENABLED",
            "RecursiveDeleteOption": True,
            "WorkGroupConfiguration": {
                "EnforceWorkGroupConfiguration": True,
                "PublishCloudWatchMetricsEnabled": True,
                "BytesScannedCutoffPerQuery": 10737418240,
                "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
                "ResultConfiguration": {
                    "OutputLocation": {"Fn::Join": ["", ["s3://", {"Ref": results}, "/athena/"]]},
                    "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
                    "ExpectedBucketOwner": {"Ref": "AWS::AccountId"},
                },
            },
        },
    )


def test_expires_query_results_after_seven_days(template: Template) -> None:
    results = props(template, "AWS::S3::Bucket", "Analytics/QueryResults")
    assert results["LifecycleConfiguration"]["Rules"] == [
        {"Id": "expire-query-results", "Status": "Enabled", "ExpirationInDays": 7, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    ]


def test_retries_a_failed_transform_twice_then_parks_its_event(template: Template) -> None:
    queue = id_of(template, "AWS::SQS::Queue", "FailedTransforms")
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": {"Ref": id_of(template, "AWS::Lambda::Function", "Transform")},
            "MaximumRetryAttempts": 2,
            "MaximumEventAgeInSeconds": 21600,
            "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}},
        },
    )
    template.has_resource_properties("AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600, "SqsManagedSseEnabled": True})


def test_alarms_on_transform_errors_and_on_a_parked_event_notifying_one_topic(template: Template) -> None:
    topics = list(resources(template, "AWS::SNS::Topic"))
    assert len(topics) == 1
    transform = id_of(template, "AWS::Lambda::Function", "Transform")
    queue = id_of(template, "AWS::SQS::Queue", "FailedTransforms")
    alarms = [a["Properties"] for a in resources(template, "AWS::CloudWatch::Alarm").values()]
    assert [
        (a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"], a["Dimensions"][0]["Value"])
        for a in alarms
    ] == [
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold", {"Ref": transform}),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 60, 1, "GreaterThanOrEqualToThreshold", {"Fn::GetAtt": [queue, "QueueName"]}),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(ServerlessDataLakeStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_keeps_log_groups_for_a_month_and_removes_demo_data_with_the_stack(template: Template) -> None:
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})
    template.resource_count_is("Custom::S3AutoDeleteObjects", 4)


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: ServerlessDataLakeStack) -> None:
    with_email = ServerlessDataLakeStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []


def test_outputs_the_name_of_every_resource_the_try_it_steps_use(template: Template) -> None:
    outputs = json.loads(json.dumps(template.to_json()["Outputs"]))
    assert sorted(outputs) == [
        "AlarmTopicArn",
        "CuratedBucketName",
        "DatabaseName",
        "FailedTransformsQueueUrl",
        "QueryResultsBucketName",
        "RawBucketName",
        "TableName",
        "WorkGroupName",
    ]
