import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from fifo_ordering_and_deduplication.fifo_ordering_and_deduplication_stack import (
    MAX_CONCURRENCY,
    MAX_RECEIVE_COUNT,
    FifoOrderingAndDeduplicationStack,
)
from fifo_ordering_and_deduplication.ledger_api import SEND_MESSAGE_TEMPLATE
from functions.ledger_events import ACCOUNT_ID_PATTERN, EVENT_ID_PATTERN, MAX_AMOUNT
from tests.cdk_app import app_from_cdk_json

TLS_ONLY = Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})


def flatten(value: Any) -> str:
    """Flattens an Fn::Join into one string, writing references as ${LogicalId}."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(flatten(p) for p in parts)
    raise ValueError(f"cannot flatten {value!r}")


def render_template(template: str, body: str) -> list[tuple[str, str]]:
    """Evaluates the request template the way API Gateway does for the two expressions it uses:
    $input.body (the raw body) and $input.path('$.field') (one top-level field), each URL-encoded."""
    parsed = json.loads(body)
    rendered = re.sub(
        r"\$util\.urlEncode\(\$input\.path\('\$\.(\w+)'\)\)",
        lambda m: quote(str(parsed[m.group(1)]), safe=""),
        template,
    )
    rendered = rendered.replace("$util.urlEncode($input.body)", quote(body, safe=""))
    assert "$" not in rendered, "every expression in the template was evaluated"
    return parse_qsl(rendered, keep_blank_values=True)


@pytest.fixture(scope="module")
def stack() -> FifoOrderingAndDeduplicationStack:
    return FifoOrderingAndDeduplicationStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: FifoOrderingAndDeduplicationStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    matches = [i for i in template.find_resources(resource_type) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {resource_type} named {prefix}"
    return matches[0]


def only(template: Template, resource_type: str, props: Any = None) -> tuple[str, dict[str, Any]]:
    found = list(template.find_resources(resource_type, {"Properties": props} if props else None).items())
    assert len(found) == 1, f"expected exactly one {resource_type}"
    return found[0]


def statements_of(template: Template, role_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if policy["Properties"]["Roles"] == [{"Ref": role_id}]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return sorted(action if isinstance(action, list) else [action])


@pytest.fixture(scope="module")
def ids(template: Template) -> dict[str, str]:
    return {
        "queue": logical_id(template, "LedgerEvents", "AWS::SQS::Queue"),
        "dlq": logical_id(template, "LedgerEventsDlq", "AWS::SQS::Queue"),
        "table": logical_id(template, "Accounts", "AWS::DynamoDB::GlobalTable"),
        "api_role": logical_id(template, "ApiSendRole", "AWS::IAM::Role"),
        "consumer_role": logical_id(template, "LedgerConsumerRole", "AWS::IAM::Role"),
        "consumer": logical_id(template, "LedgerConsumer", "AWS::Lambda::Function"),
        "alarm_topic": logical_id(template, "AlarmTopic", "AWS::SNS::Topic"),
    }


# The FIFO queue


def test_is_a_fifo_queue_in_high_throughput_mode_that_deduplicates_per_message_group_on_an_explicit_id(
    template: Template, ids: dict[str, str]
) -> None:
    queue = template.find_resources("AWS::SQS::Queue")[ids["queue"]]
    assert queue["Properties"]["FifoQueue"] is True
    assert queue["Properties"]["DeduplicationScope"] == "messageGroup"
    assert queue["Properties"]["FifoThroughputLimit"] == "perMessageGroupId"
    # Off on purpose: the API passes the business event id as MessageDeduplicationId.
    assert queue["Properties"]["ContentBasedDeduplication"] is False


def test_moves_a_message_to_a_fifo_dead_letter_queue_after_three_receives_and_keeps_it_14_days(template: Template, ids: dict[str, str]) -> None:
    assert MAX_RECEIVE_COUNT == 3
    queues = template.find_resources("AWS::SQS::Queue")
    assert queues[ids["queue"]]["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [ids["dlq"], "Arn"]},
        "maxReceiveCount": 3,
    }
    assert queues[ids["dlq"]]["Properties"]["FifoQueue"] is True
    assert "RedrivePolicy" not in queues[ids["dlq"]]["Properties"]
    assert queues[ids["dlq"]]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_encrypts_both_queues_and_denies_non_tls_access_to_each(template: Template, ids: dict[str, str]) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    assert sorted(queues) == sorted([ids["queue"], ids["dlq"]])
    for queue_id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, queue_id
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy", {"Queues": [{"Ref": queue_id}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}}
        )


def test_is_drained_by_one_function_in_batches_of_ten_reporting_per_message_failures_at_most_five_copies_at_once(
    template: Template, ids: dict[str, str]
) -> None:
    _, mapping = only(template, "AWS::Lambda::EventSourceMapping")
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": [ids["queue"], "Arn"]}
    assert props["FunctionName"] == {"Ref": ids["consumer"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["BatchSize"] == 10
    assert "MaximumBatchingWindowInSeconds" not in props
    assert MAX_CONCURRENCY == 5
    assert props["ScalingConfig"] == {"MaximumConcurrency": 5}


def test_stays_invisible_for_six_times_the_consumer_timeout_while_a_batch_is_processed(template: Template, ids: dict[str, str]) -> None:
    _, fn = only(template, "AWS::Lambda::Function")
    assert fn["Properties"]["Runtime"] == "python3.13"
    assert fn["Properties"]["Architectures"] == ["arm64"]
    assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}
    assert fn["Properties"]["Environment"]["Variables"] == {"TABLE_NAME": {"Ref": ids["table"]}}
    queue = template.find_resources("AWS::SQS::Queue")[ids["queue"]]
    assert queue["Properties"]["VisibilityTimeout"] == fn["Properties"]["Timeout"] * 6


# The accounts table


def test_keys_accounts_by_account_id_billed_on_demand_with_point_in_time_recovery(template: Template) -> None:
    _, table = only(template, "AWS::DynamoDB::GlobalTable")
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "accountId", "KeyType": "HASH"}]
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["Replicas"][0]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_lets_the_consumer_only_consume_the_one_queue_and_call_update_item_on_the_one_table(template: Template, ids: dict[str, str]) -> None:
    role = template.find_resources("AWS::IAM::Role")[ids["consumer_role"]]
    assert "ManagedPolicyArns" not in role["Properties"]
    statements = statements_of(template, ids["consumer_role"])
    data = [(actions(s), s["Resource"]) for s in statements if not actions(s)[0].startswith(("logs:", "xray:"))]
    assert data == [
        (["dynamodb:UpdateItem"], {"Fn::GetAtt": [ids["table"], "Arn"]}),
        (
            ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            {"Fn::GetAtt": [ids["queue"], "Arn"]},
        ),
    ]
    assert not re.search(r"sqs:SendMessage|dynamodb:PutItem|dynamodb:DeleteItem", json.dumps(statements))


# API Gateway to SQS


def test_sends_through_a_direct_aws_integration_to_the_queue_path_not_a_function(template: Template, ids: dict[str, str]) -> None:
    _, method = only(template, "AWS::ApiGateway::Method")
    integration = method["Properties"]["Integration"]
    assert method["Properties"]["HttpMethod"] == "POST"
    assert integration["Type"] == "AWS"
    assert integration["IntegrationHttpMethod"] == "POST"
    assert flatten(integration["Uri"]) == (
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/${" + ids["queue"] + ".QueueName}"
    )
    assert integration["Credentials"] == {"Fn::GetAtt": [ids["api_role"], "Arn"]}
    assert integration["PassthroughBehavior"] == "NEVER"
    assert integration["RequestParameters"] == {
        "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'",
        # The 202 template reads SendMessageResponse as JSON: XML would leave messageId empty.
        "integration.request.header.Accept": "'application/json'",
    }


def test_sets_the_message_group_from_account_id_and_the_deduplication_id_from_event_id(template: Template) -> None:
    _, method = only(template, "AWS::ApiGateway::Method")
    request_template = method["Properties"]["Integration"]["RequestTemplates"]["application/json"]
    assert request_template == SEND_MESSAGE_TEMPLATE
    assert request_template == (
        "Action=SendMessage&MessageGroupId=$util.urlEncode($input.path('$.accountId'))"
        "&MessageDeduplicationId=$util.urlEncode($input.path('$.eventId'))&MessageBody=$util.urlEncode($input.body)"
    )
    body = '{"accountId":"acc-1001","eventId":"evt-42","sequence":3,"type":"debit","amount":2500}'
    assert render_template(request_template, body) == [
        ("Action", "SendMessage"),
        ("MessageGroupId", "acc-1001"),
        ("MessageDeduplicationId", "evt-42"),
        ("MessageBody", body),
    ]


def test_answers_202_with_the_sqs_message_id_and_sequence_number_and_a_generic_500_otherwise(template: Template) -> None:
    _, method = only(template, "AWS::ApiGateway::Method")
    responses = method["Properties"]["Integration"]["IntegrationResponses"]
    assert [(r["StatusCode"], r.get("SelectionPattern")) for r in responses] == [("202", r"2\d{2}"), ("500", None)]
    ok = responses[0]["ResponseTemplates"]["application/json"]
    assert "SendMessageResponse.SendMessageResult.MessageId" in ok
    assert "SendMessageResponse.SendMessageResult.SequenceNumber" in ok
    assert "$input" not in responses[1]["ResponseTemplates"]["application/json"]


def test_validates_the_body_against_a_model_requiring_every_field_the_consumer_reads(template: Template) -> None:
    validator_id, _ = only(template, "AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True})
    model_id, model = only(template, "AWS::ApiGateway::Model")
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {"RequestValidatorId": {"Ref": validator_id}, "RequestModels": {"application/json": {"Ref": model_id}}},
    )
    schema = model["Properties"]["Schema"]
    assert schema["required"] == ["accountId", "eventId", "sequence", "type", "amount"]
    assert schema["additionalProperties"] is False
    assert schema["properties"] == {
        "accountId": {"type": "string", "pattern": ACCOUNT_ID_PATTERN},
        "eventId": {"type": "string", "pattern": EVENT_ID_PATTERN},
        "sequence": {"type": "integer", "minimum": 1},
        "type": {"type": "string", "enum": ["credit", "debit"]},
        "amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
    }


def test_throttles_the_stage_and_the_post_method_traces_requests_and_writes_json_access_logs(template: Template) -> None:
    _, stage = only(template, "AWS::ApiGateway::Stage")
    throttles = [
        (s["ResourcePath"], s["HttpMethod"], s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"]) for s in stage["Properties"]["MethodSettings"]
    ]
    assert throttles == [("/*", "*", 50, 100), ("/~1events", "POST", 20, 40)]
    assert stage["Properties"]["TracingEnabled"] is True
    assert json.loads(stage["Properties"]["AccessLogSetting"]["Format"])["requestId"]
    template.resource_count_is("AWS::ApiGateway::Account", 0)


def test_gives_api_gateway_a_role_that_can_only_sqs_send_message_to_the_one_queue(template: Template, ids: dict[str, str]) -> None:
    role = template.find_resources("AWS::IAM::Role")[ids["api_role"]]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in role["Properties"]
    assert [p["PolicyDocument"]["Statement"] for p in role["Properties"]["Policies"]] == [
        [{"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["queue"], "Arn"]}}]
    ]
    assert statements_of(template, ids["api_role"]) == [], "no other policy may be attached to the API role"


# Alarms


def test_alarms_on_a_parked_event_on_consumer_errors_and_on_api_5xx_notifying_one_alarm_topic(template: Template, ids: dict[str, str]) -> None:
    alarms = list(template.find_resources("AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 3
    for alarm in alarms:
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": ids["alarm_topic"]}]
        assert props["Threshold"] == 1
        assert props["EvaluationPeriods"] == 1
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert props["TreatMissingData"] == "notBreaching"
        assert len(props["AlarmDescription"]) > 40
    _, api = only(template, "AWS::ApiGateway::RestApi")
    watched = sorted(
        (a["Properties"]["Namespace"], a["Properties"]["MetricName"], a["Properties"]["Statistic"], a["Properties"]["Period"], flatten(a["Properties"]["Dimensions"][0]["Value"]))
        for a in alarms
    )
    assert watched == sorted(
        [
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 60, "${" + ids["dlq"] + ".QueueName}"),
            ("AWS/Lambda", "Errors", "Sum", 300, "${" + ids["consumer"] + "}"),
            ("AWS/ApiGateway", "5XXError", "Sum", 300, api["Properties"]["Name"]),
        ]
    )


def test_keeps_the_alarm_topic_tls_only_and_subscribes_an_email_address_only_when_alarm_email_is_set(template: Template, ids: dict[str, str]) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"Topics": [{"Ref": ids["alarm_topic"]}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}},
    )
    template.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email"}, 0)
    with_email = Template.from_stack(FifoOrderingAndDeduplicationStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}, 1)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: FifoOrderingAndDeduplicationStack) -> None:
    with_email = FifoOrderingAndDeduplicationStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
