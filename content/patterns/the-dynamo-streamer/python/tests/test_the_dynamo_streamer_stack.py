import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_dynamo_streamer.the_dynamo_streamer_stack import (
    SAVED_TEMPLATE,
    SERVICE_PATTERN,
    STATUSES,
    STREAM_BATCH_SIZE,
    STREAM_MAX_RECORD_AGE_HOURS,
    STREAM_RETRY_ATTEMPTS,
    TheDynamoStreamerStack,
    put_item_template,
)


def render_put_item(body: dict[str, str]) -> Any:
    """Just enough Velocity to render the PutItem template for one request body: the conditional
    around the message, the escaping helper and the context variables."""
    out = put_item_template("Statuses-table")
    has_message = bool(body.get("message"))
    out = re.sub(r"^\s*#if\(.*\)\n([\s\S]*?)^\s*#end\n", lambda m: m.group(1) if has_message else "", out, count=1, flags=re.M)
    out = re.sub(
        r"\$util\.escapeJavaScript\(\$input\.path\('\$\.message'\)\)\.replaceAll\([^)]*\)",
        lambda _m: json.dumps(body.get("message", ""))[1:-1],
        out,
        count=1,
    )
    out = re.sub(r"\$input\.path\('\$\.(\w+)'\)", lambda m: body.get(m.group(1), ""), out)
    out = out.replace("$context.requestTimeEpoch", "1767225600000").replace("$context.requestId", "req-1")
    return json.loads(out)


# PutItem mapping template


def test_renders_a_valid_dynamodb_put_item_request_that_asks_for_the_old_item_back() -> None:
    assert render_put_item({"service": "checkout", "status": "degraded", "message": 'Card "payments" are slow'}) == {
        "TableName": "Statuses-table",
        "Item": {
            "service": {"S": "checkout"},
            "status": {"S": "degraded"},
            "message": {"S": 'Card "payments" are slow'},
            "updatedAt": {"N": "1767225600000"},
            "requestId": {"S": "req-1"},
        },
        "ReturnValues": "ALL_OLD",
    }


def test_leaves_the_message_attribute_out_when_none_was_sent() -> None:
    request = render_put_item({"service": "search", "status": "operational"})
    assert sorted(request["Item"]) == ["requestId", "service", "status", "updatedAt"]


def test_answers_with_the_previous_status_taken_from_the_returned_attributes() -> None:
    assert re.search(r"\$input\.path\('\$\.Attributes\.status\.S'\)", SAVED_TEMPLATE)
    assert re.search(r'"previousStatus": #if\("\$!previous" == ""\)null#else"\$previous"#end,', SAVED_TEMPLATE)


# TheDynamoStreamerStack


@pytest.fixture(scope="module")
def stack() -> TheDynamoStreamerStack:
    return TheDynamoStreamerStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheDynamoStreamerStack) -> Template:
    return Template.from_stack(stack)


def statements_of_role(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_keys_the_table_by_service_and_streams_old_and_new_images(template: Template) -> None:
    template.resource_count_is("AWS::DynamoDB::GlobalTable", 1)
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "service", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_sends_post_statuses_straight_to_dynamodb_put_item_with_the_api_role(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "statuses"})
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "POST",
            "Integration": Match.object_like(
                {
                    "Type": "AWS",
                    "IntegrationHttpMethod": "POST",
                    "Uri": {"Fn::Join": ["", Match.array_with([":dynamodb:action/PutItem"])]},
                    "Credentials": {"Fn::GetAtt": [Match.string_like_regexp("^StatusApiRole"), "Arn"]},
                    "PassthroughBehavior": "NEVER",
                    "RequestTemplates": {
                        "application/json": {"Fn::Join": ["", Match.array_with([{"Ref": Match.string_like_regexp("^Statuses")}])]}
                    },
                    "IntegrationResponses": Match.array_with([Match.object_like({"StatusCode": "500", "SelectionPattern": r"[45]\d{2}"})]),
                }
            ),
        },
    )
    (method,) = template.find_resources("AWS::ApiGateway::Method").values()
    refused = next(r for r in method["Properties"]["Integration"]["IntegrationResponses"] if r["StatusCode"] == "500")
    # Nothing DynamoDB said (table names, expressions) is copied into the public answer.
    assert "$input" not in refused["ResponseTemplates"]["application/json"]
    assert json.loads(refused["ResponseTemplates"]["application/json"])["saved"] is False


def test_keeps_lambda_out_of_the_write_path(template: Template) -> None:
    methods = list(template.find_resources("AWS::ApiGateway::Method").values())
    assert len(methods) == 1
    assert methods[0]["Properties"]["Integration"]["Type"] != "AWS_PROXY"
    template.resource_count_is("AWS::Lambda::Function", 1)
    template.resource_count_is("AWS::Lambda::Permission", 0)


def test_validates_the_body_against_the_status_model_before_anything_is_written(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True})
    template.has_resource_properties(
        "AWS::ApiGateway::Model",
        {
            "Schema": Match.object_like(
                {
                    "required": ["service", "status"],
                    "additionalProperties": False,
                    "properties": {
                        "service": {"type": "string", "pattern": SERVICE_PATTERN},
                        "status": {"type": "string", "enum": list(STATUSES)},
                        "message": {"type": "string", "maxLength": 280},
                    },
                }
            )
        },
    )
    # The template puts service and status into JSON unescaped; the model must rule out quotes and backslashes.
    service = re.compile(SERVICE_PATTERN)
    for bad in ("Checkout", 'a"b', "a\\b", "-lead", "x" * 64, ""):
        assert not service.fullmatch(bad), bad
    assert service.fullmatch("checkout-eu-1")
    validators = list(template.find_resources("AWS::ApiGateway::RequestValidator", {"Properties": {"ValidateRequestBody": True}}))
    assert len(validators) == 1
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "RequestValidatorId": {"Ref": validators[0]},
            "RequestModels": {"application/json": {"Ref": Match.string_like_regexp("^StatusApiStatusReport")}},
        },
    )


def test_lets_the_api_role_call_put_item_on_the_one_table_and_nothing_else(template: Template) -> None:
    (table_id,) = template.find_resources("AWS::DynamoDB::GlobalTable")
    assert [{"Action": s["Action"], "Resource": s["Resource"]} for s in statements_of_role(template, "StatusApiRole")] == [
        {"Action": "dynamodb:PutItem", "Resource": {"Fn::GetAtt": [table_id, "Arn"]}}
    ]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {"Statement": [Match.object_like({"Principal": {"Service": "apigateway.amazonaws.com"}})]}
            ),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_gives_the_watcher_stream_read_rights_only_never_table_data_access(template: Template) -> None:
    dynamo = [s for s in statements_of_role(template, "StatusWatcherRole") if any(a.startswith("dynamodb:") for a in actions(s))]
    assert sorted(a for s in dynamo for a in actions(s)) == [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    ]
    for s in dynamo:
        assert s["Resource"]["Fn::GetAtt"][1] == "StreamArn"


def test_consumes_the_stream_in_order_with_bisect_bounded_retries_and_a_failure_queue(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [Match.string_like_regexp("^Statuses"), "StreamArn"]},
            "FunctionName": {"Ref": Match.string_like_regexp("^StatusWatcher")},
            "StartingPosition": "TRIM_HORIZON",
            "BatchSize": STREAM_BATCH_SIZE,
            "ParallelizationFactor": 1,
            "BisectBatchOnFunctionError": True,
            "MaximumRetryAttempts": STREAM_RETRY_ATTEMPTS,
            "MaximumRecordAgeInSeconds": STREAM_MAX_RECORD_AGE_HOURS * 3600,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "DestinationConfig": {
                "OnFailure": {"Destination": {"Fn::GetAtt": [Match.string_like_regexp("^StatusWatcherFailures"), "Arn"]}}
            },
        },
    )
    assert STREAM_RETRY_ATTEMPTS == 3
    assert STREAM_BATCH_SIZE == 100


def test_runs_the_watcher_on_python_3_13_and_arm64_with_json_logs(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "status_watcher.handler",
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
            "TracingConfig": {"Mode": "Active"},
        },
    )


def test_throttles_traces_and_access_logs_the_prod_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "prod",
            "TracingEnabled": True,
            "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
            "MethodSettings": Match.array_with([Match.object_like({"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100})]),
        },
    )


def test_alarms_on_a_failure_pointer_on_watcher_errors_and_on_a_stream_backlog_notifying_one_alarm_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def target(alarm: dict[str, Any]) -> str:
        value = alarm["Dimensions"][0]["Value"]
        return re.sub("[0-9A-F]{8}$", "", value.get("Ref") or value["Fn::GetAtt"][0])

    assert sorted((a["MetricName"], target(a), a["Statistic"], a["Period"], a["Threshold"], a["TreatMissingData"]) for a in alarms) == [
        ("ApproximateNumberOfMessagesVisible", "StatusWatcherFailures", "Maximum", 60, 1, "notBreaching"),
        ("Errors", "StatusWatcher", "Sum", 300, 1, "notBreaching"),
        ("IteratorAge", "StatusWatcher", "Maximum", 60, 600000, "notBreaching"),
    ]
    for alarm in alarms:
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheDynamoStreamerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheDynamoStreamerStack) -> None:
    with_email = TheDynamoStreamerStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
