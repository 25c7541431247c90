import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_scalable_webhook.the_scalable_webhook_stack import TheScalableWebhookStack

TLS_ONLY = Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


@pytest.fixture(scope="module")
def stack() -> TheScalableWebhookStack:
    return TheScalableWebhookStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheScalableWebhookStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, resource_type: str, prefix: str) -> str:
    """Logical id of the only resource of a type whose id starts with a construct id."""
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"expected one {resource_type} named {prefix}*, found {', '.join(ids)}"
    return ids[0]


def statements_of(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    """Every statement of every inline policy attached to the role with this construct id."""
    role = logical_id(template, "AWS::IAM::Role", role_prefix)
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if any(r.get("Ref") == role for r in p["Properties"]["Roles"])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def test_sends_webhook_posts_straight_to_sqs_with_the_api_role_no_publisher_function(template: Template) -> None:
    queue = logical_id(template, "AWS::SQS::Queue", "WebhookQueue")
    api_role = logical_id(template, "AWS::IAM::Role", "ApiRole")
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "webhook"})
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "POST",
            "Integration": Match.object_like(
                {
                    "Type": "AWS",
                    "IntegrationHttpMethod": "POST",
                    "Credentials": {"Fn::GetAtt": [api_role, "Arn"]},
                    "PassthroughBehavior": "NEVER",
                    "Uri": {
                        "Fn::Join": [
                            "",
                            Match.array_with([":sqs:path/", {"Ref": "AWS::AccountId"}, "/", {"Fn::GetAtt": [queue, "QueueName"]}]),
                        ]
                    },
                    "RequestTemplates": {
                        "application/json": Match.string_like_regexp(r"^Action=SendMessage&MessageBody=\$util\.urlEncode\(\$input\.body\)")
                    },
                    # SQS reads the query API as a form post.
                    "RequestParameters": Match.object_like(
                        {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"}
                    ),
                }
            ),
        },
    )
    # The only function in the stack is the consumer.
    template.resource_count_is("AWS::Lambda::Function", 1)


def test_answers_202_when_sqs_accepts_and_500_when_it_refuses(template: Template) -> None:
    method = next(m for m in template.find_resources("AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "POST")
    responses = method["Properties"]["Integration"]["IntegrationResponses"]
    assert [(r["StatusCode"], r.get("SelectionPattern")) for r in responses] == [("202", None), ("500", r"[45]\d{2}")]
    accepted, refused = (r["ResponseTemplates"]["application/json"] for r in responses)
    assert re.search(r"\$input\.path\('\$\.SendMessageResponse\.SendMessageResult\.MessageId'\)", accepted)
    # A refusal says nothing of what SQS answered: no $input in the template.
    assert "$input" not in refused
    assert json.loads(refused)["accepted"] is False


def test_validates_the_body_against_a_json_object_model_before_anything_is_queued(template: Template) -> None:
    validators = list(template.find_resources("AWS::ApiGateway::RequestValidator", {"Properties": {"ValidateRequestBody": True}}))
    assert len(validators) == 1
    template.has_resource_properties(
        "AWS::ApiGateway::Model",
        {"ContentType": "application/json", "Schema": Match.object_like({"type": "object", "minProperties": 1})},
    )
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "POST",
            "RequestValidatorId": {"Ref": validators[0]},
            "RequestModels": {"application/json": {"Ref": Match.string_like_regexp("^WebhookApiWebhookBody")}},
        },
    )


def test_throttles_traces_and_access_logs_the_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "StageName": "prod",
            "TracingEnabled": True,
            "MethodSettings": [
                Match.object_like({"HttpMethod": "*", "ResourcePath": "/*", "ThrottlingRateLimit": 100, "ThrottlingBurstLimit": 200})
            ],
            "AccessLogSetting": {
                "DestinationArn": {
                    "Fn::Join": ["", Match.array_with([":log-group:", {"Ref": logical_id(template, "AWS::Logs::LogGroup", "ApiAccessLogs")}])]
                },
                "Format": Match.string_like_regexp(r"integration\.status"),
            },
        },
    )


def test_lets_the_api_role_send_messages_to_the_webhook_queue_and_do_nothing_else(template: Template) -> None:
    queue = logical_id(template, "AWS::SQS::Queue", "WebhookQueue")
    assert statements_of(template, "ApiRole") == [{"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": {"Fn::GetAtt": [queue, "Arn"]}}]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {"Statement": [Match.object_like({"Principal": {"Service": "apigateway.amazonaws.com"}})]}
            ),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_parks_a_message_in_the_dlq_after_three_failed_receives_and_both_queues_refuse_plain_http(template: Template) -> None:
    dlq = logical_id(template, "AWS::SQS::Queue", "WebhookDlq")
    template.has_resource_properties(
        "AWS::SQS::Queue", {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": 3}}
    )
    template.has_resource_properties("AWS::SQS::Queue", {"MessageRetentionPeriod": 1209600, "RedrivePolicy": Match.absent()})
    for queue in (dlq, logical_id(template, "AWS::SQS::Queue", "WebhookQueue")):
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            {"Queues": [{"Ref": queue}], "PolicyDocument": Match.object_like({"Statement": Match.array_with([TLS_ONLY])})},
        )


def test_caps_the_consumer_at_two_concurrent_copies_without_reserving_concurrency_a_new_account_lacks(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "consumer.handler",
            "ReservedConcurrentExecutions": Match.absent(),
            "Environment": {"Variables": {"MESSAGES_TABLE_NAME": {"Ref": logical_id(template, "AWS::DynamoDB::GlobalTable", "Messages")}}},
        },
    )
    # The event source mapping is the only invoker, and it never runs more than two copies.
    template.resource_count_is("AWS::Lambda::EventSourceMapping", 1)
    template.resource_count_is("AWS::Lambda::Permission", 0)
    template.has_resource_properties("AWS::Lambda::EventSourceMapping", {"ScalingConfig": {"MaximumConcurrency": 2}})


def test_reserves_exactly_as_much_concurrency_as_the_poller_uses_when_reserve_concurrency_is_set() -> None:
    reserved = Template.from_stack(TheScalableWebhookStack(app_from_cdk_json(reserveConcurrency="true"), "Reserved"))
    (fn,) = reserved.find_resources("AWS::Lambda::Function").values()
    (mapping,) = reserved.find_resources("AWS::Lambda::EventSourceMapping").values()
    assert fn["Properties"]["ReservedConcurrentExecutions"] == 2
    # Polling more batches than the function may run only produces throttles.
    assert mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"] == fn["Properties"]["ReservedConcurrentExecutions"]


def test_drains_the_queue_in_batches_of_ten_and_reports_partial_failures(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "EventSourceArn": {"Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", "WebhookQueue"), "Arn"]},
            "FunctionName": {"Ref": logical_id(template, "AWS::Lambda::Function", "Consumer")},
            "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )


def test_alarms_on_a_parked_webhook_on_consumer_errors_and_on_a_backlog_older_than_15_minutes_all_to_one_alarm_topic(
    template: Template,
) -> None:
    topic = logical_id(template, "AWS::SNS::Topic", "AlarmTopic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def target(alarm: dict[str, Any]) -> str:
        value = alarm["Dimensions"][0]["Value"]
        return value.get("Ref") or value["Fn::GetAtt"][0]

    watched = sorted(
        (a["MetricName"], target(a), a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"], a["TreatMissingData"]) for a in alarms
    )
    assert watched == [
        ("ApproximateAgeOfOldestMessage", logical_id(template, "AWS::SQS::Queue", "WebhookQueue"), "Maximum", 300, 900, "GreaterThanOrEqualToThreshold", "notBreaching"),
        ("ApproximateNumberOfMessagesVisible", logical_id(template, "AWS::SQS::Queue", "WebhookDlq"), "Maximum", 60, 1, "GreaterThanOrEqualToThreshold", "notBreaching"),
        ("Errors", logical_id(template, "AWS::Lambda::Function", "Consumer"), "Sum", 300, 1, "GreaterThanOrEqualToThreshold", "notBreaching"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy", {"Topics": [{"Ref": topic}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}}
    )


def test_subscribes_an_email_address_to_the_alarm_topic_only_when_alarm_email_is_set(template: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheScalableWebhookStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_keeps_the_queue_visibility_timeout_at_least_six_times_the_consumer_timeout(template: Template) -> None:
    (fn,) = template.find_resources("AWS::Lambda::Function").values()
    queue = template.find_resources("AWS::SQS::Queue")[logical_id(template, "AWS::SQS::Queue", "WebhookQueue")]
    timeout = fn["Properties"]["Timeout"]
    visibility = queue["Properties"]["VisibilityTimeout"]
    assert timeout > 0, "the consumer timeout must be set explicitly"
    assert visibility >= 6 * timeout, f"visibility {visibility}s is less than 6 x {timeout}s"


def test_lets_the_consumer_do_nothing_to_the_table_but_put_item_and_only_on_that_table(template: Template) -> None:
    table = logical_id(template, "AWS::DynamoDB::GlobalTable", "Messages")
    statements = statements_of(template, "ConsumerRole")
    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions(s))]
    assert dynamo == [{"Action": "dynamodb:PutItem", "Effect": "Allow", "Resource": {"Fn::GetAtt": [table, "Arn"]}}]
    # No other statement may reach DynamoDB through a wildcard action.
    assert [a for s in statements for a in actions(s) if "*" in a] == []
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_keys_the_messages_table_by_sqs_message_id_on_demand_with_point_in_time_recovery(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "messageId", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheScalableWebhookStack) -> None:
    variant = TheScalableWebhookStack(app_from_cdk_json(alarmEmail="ops@example.com", reserveConcurrency="true"), "Nag-Variant")
    for scope in (stack, variant):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
