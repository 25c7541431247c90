import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from synthetic_canary_monitoring.journey_canary import canary_name_for
from synthetic_canary_monitoring.synthetic_canary_monitoring_stack import SyntheticCanaryMonitoringStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> SyntheticCanaryMonitoringStack:
    return SyntheticCanaryMonitoringStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: SyntheticCanaryMonitoringStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"one {resource_type} named {prefix}*"
    return ids[0]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_runs_the_journey_script_on_puppeteer_13_every_five_minutes_against_the_api_outside_any_vpc(
    stack: SyntheticCanaryMonitoringStack, template: Template
) -> None:
    template.resource_count_is("AWS::Synthetics::Canary", 1)
    template.has_resource_properties(
        "AWS::Synthetics::Canary",
        {
            "Name": canary_name_for(stack),
            "RuntimeVersion": "syn-nodejs-puppeteer-13.0",
            "Schedule": {"Expression": "rate(5 minutes)", "DurationInSeconds": "0"},
            "Code": Match.object_like({"Handler": "api-journey.handler"}),
            "RunConfig": {
                "EnvironmentVariables": {"API_URL": {"Fn::GetAtt": [logical_id(template, "AWS::ApiGatewayV2::Api", "Api"), "ApiEndpoint"]}},
                "TimeoutInSeconds": 60,
                "MemoryInMB": 1024,
            },
            "StartCanaryAfterCreation": True,
            "VpcConfig": Match.absent(),
        },
    )
    # cwsyn-<name>-<uuid> must fit a 64-character function name.
    assert len(canary_name_for(stack)) <= 21


def test_keeps_run_artifacts_in_an_encrypted_tls_only_bucket_that_deletes_them_after_30_days(template: Template) -> None:
    bucket = logical_id(template, "AWS::S3::Bucket", "CanaryArtifacts")
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "LifecycleConfiguration": {
                "Rules": Match.array_with([Match.object_like({"Id": "ExpireRunArtifacts", "ExpirationInDays": 30, "Status": "Enabled", "Prefix": Match.absent()})])
            },
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            },
        },
    )
    template.has_resource_properties(
        "AWS::Synthetics::Canary",
        {
            "ArtifactS3Location": {"Fn::Join": ["", ["s3://", {"Ref": bucket}]]},
            "ArtifactConfig": {"S3Encryption": {"EncryptionMode": "SSE_S3"}},
            "SuccessRetentionPeriod": 7,
            "FailureRetentionPeriod": 30,
            "ProvisionedResourceCleanup": "AUTOMATIC",
        },
    )


def test_alarms_when_the_journey_fails_in_2_of_3_five_minute_periods_and_tells_the_topic_when_the_canary_stops_reporting(
    template: Template,
) -> None:
    topic = logical_id(template, "AWS::SNS::Topic", "AlarmTopic")
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "CloudWatchSynthetics",
            "MetricName": "SuccessPercent",
            "Dimensions": [{"Name": "CanaryName", "Value": {"Ref": logical_id(template, "AWS::Synthetics::Canary", "JourneyCanary")}}],
            "Statistic": "Average",
            "Period": 300,
            "Threshold": 100,
            "ComparisonOperator": "LessThanThreshold",
            "EvaluationPeriods": 3,
            "DatapointsToAlarm": 2,
            # Missing periods are not failures (no page before the first runs), but a canary gone quiet still reaches the topic.
            "TreatMissingData": "missing",
            "AlarmActions": [{"Ref": topic}],
            "InsufficientDataActions": [{"Ref": topic}],
        },
    )


def test_alarms_on_the_canary_on_5xx_and_on_function_errors_notifying_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "5xx", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("CloudWatchSynthetics", "SuccessPercent", "Average", 300, 100, "LessThanThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(SyntheticCanaryMonitoringStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_lets_the_canary_write_only_its_artifacts_its_metrics_and_its_own_log_group(stack: SyntheticCanaryMonitoringStack, template: Template) -> None:
    role_id = logical_id(template, "AWS::IAM::Role", "JourneyCanaryRole")
    role = template.find_resources("AWS::IAM::Role")[role_id]["Properties"]
    canary = next(iter(template.find_resources("AWS::Synthetics::Canary").values()))["Properties"]
    assert canary["ExecutionRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}
    assert "ManagedPolicyArns" not in role
    # No separate policy is attached later: the permissions exist before the canary's first run.
    assert [p for p in template.find_resources("AWS::IAM::Policy").values() if role_id in json.dumps(p["Properties"].get("Roles"))] == []
    bucket = logical_id(template, "AWS::S3::Bucket", "CanaryArtifacts")
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    assert [(s["Action"], s["Resource"], s.get("Condition")) for s in statements] == [
        ("s3:PutObject", {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/*"]]}, None),
        ("s3:GetBucketLocation", {"Fn::GetAtt": [bucket, "Arn"]}, None),
        ("s3:ListAllMyBuckets", "*", None),
        ("cloudwatch:PutMetricData", "*", {"StringEquals": {"cloudwatch:namespace": "CloudWatchSynthetics"}}),
        (
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":logs:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        f":log-group:/aws/lambda/cwsyn-{canary_name_for(stack)}-*",
                    ],
                ]
            },
            None,
        ),
    ]


def test_lets_the_function_only_put_get_and_delete_items_in_the_items_table(template: Template) -> None:
    table = logical_id(template, "AWS::DynamoDB::GlobalTable", "Items")
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]
    assert [(sorted(actions(s)), s["Resource"]) for s in dynamo] == [
        (["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"], {"Fn::GetAtt": [table, "Arn"]})
    ]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
            "Description": Match.string_like_regexp("^Items function"),
        },
    )


def test_expires_canary_items_through_dynamodb_ttl_on_expires_at(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
        },
    )


def test_routes_only_post_items_and_get_and_delete_items_id_to_the_function(template: Template) -> None:
    routes = sorted(r["Properties"]["RouteKey"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values())
    assert routes == ["DELETE /items/{id}", "GET /items/{id}", "POST /items"]
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "items.handler",
            "Environment": {"Variables": {"ITEMS_TABLE_NAME": {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "Items")}}},
        },
    )


def test_throttles_and_logs_the_default_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"Format": Match.string_like_regexp("userAgent")}),
        },
    )


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: SyntheticCanaryMonitoringStack) -> None:
    with_email = SyntheticCanaryMonitoringStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
