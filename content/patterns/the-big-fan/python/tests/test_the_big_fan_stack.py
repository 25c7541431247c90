import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from order_events import ORDER_ID_PATTERN, STATUS_PATTERN
from tests.cdk_app import app_from_cdk_json
from the_big_fan.the_big_fan_stack import MAX_RECEIVE_COUNT, TheBigFanStack

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


@pytest.fixture(scope="module")
def stack() -> TheBigFanStack:
    return TheBigFanStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheBigFanStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    matches = [i for i in template.find_resources(resource_type) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {resource_type} named {prefix}"
    return matches[0]


def only(template: Template, resource_type: str, props: Any = None) -> tuple[str, dict[str, Any]]:
    found = list(template.find_resources(resource_type, {"Properties": props} if props else None).items())
    assert len(found) == 1, f"expected exactly one {resource_type}"
    return found[0]


@pytest.fixture(scope="module")
def ids(template: Template) -> dict[str, str]:
    return {
        "topic": logical_id(template, "OrderEvents", "AWS::SNS::Topic"),
        "created": logical_id(template, "CreatedOrders", "AWS::SQS::Queue"),
        "updates": logical_id(template, "OrderUpdates", "AWS::SQS::Queue"),
        "created_dlq": logical_id(template, "CreatedOrdersDlq", "AWS::SQS::Queue"),
        "updates_dlq": logical_id(template, "OrderUpdatesDlq", "AWS::SQS::Queue"),
        "api_role": logical_id(template, "ApiPublishRole", "AWS::IAM::Role"),
    }


# API Gateway to SNS


def test_publishes_through_a_direct_aws_integration_to_sns_publish_not_a_lambda(template: Template, ids: dict[str, str]) -> None:
    _, method = only(template, "AWS::ApiGateway::Method")
    integration = method["Properties"]["Integration"]
    assert method["Properties"]["HttpMethod"] == "POST"
    assert integration["Type"] == "AWS"
    assert integration["IntegrationHttpMethod"] == "POST"
    assert re.search(r":apigateway:\$\{AWS::Region\}:sns:action/Publish$", flatten(integration["Uri"]))
    assert integration["Credentials"] == {"Fn::GetAtt": [ids["api_role"], "Arn"]}
    assert integration["PassthroughBehavior"] == "NEVER"
    assert integration["RequestParameters"] == {"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"}


def test_builds_the_publish_call_from_the_body_and_copies_its_status_into_a_message_attribute(template: Template, ids: dict[str, str]) -> None:
    _, method = only(template, "AWS::ApiGateway::Method")
    params = flatten(method["Properties"]["Integration"]["RequestTemplates"]["application/json"]).split("&")
    assert params == [
        "Action=Publish",
        "TopicArn=$util.urlEncode('${" + ids["topic"] + "}')",
        "Message=$util.urlEncode($input.body)",
        "MessageAttributes.entry.1.Name=status",
        "MessageAttributes.entry.1.Value.DataType=String",
        "MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))",
    ]


def test_answers_202_with_the_sns_message_id_and_a_generic_500_otherwise(template: Template) -> None:
    _, method = only(template, "AWS::ApiGateway::Method")
    responses = method["Properties"]["Integration"]["IntegrationResponses"]
    assert [(r["StatusCode"], r.get("SelectionPattern")) for r in responses] == [("202", r"2\d{2}"), ("500", None)]
    assert "PublishResponse.PublishResult.MessageId" in responses[0]["ResponseTemplates"]["application/json"]
    assert "$input" not in responses[1]["ResponseTemplates"]["application/json"]


def test_validates_the_body_against_a_model_requiring_every_published_field(template: Template) -> None:
    validator_id, _ = only(template, "AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True})
    model_id, model = only(template, "AWS::ApiGateway::Model")
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {"RequestValidatorId": {"Ref": validator_id}, "RequestModels": {"application/json": {"Ref": model_id}}},
    )
    schema = model["Properties"]["Schema"]
    assert schema["required"] == ["orderId", "status", "total"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["orderId"]["pattern"] == ORDER_ID_PATTERN
    assert schema["properties"]["status"]["pattern"] == STATUS_PATTERN
    assert schema["properties"]["total"] == {"type": "number", "minimum": 0}


def test_throttles_the_stage_and_the_post_method_traces_requests_and_writes_json_access_logs(template: Template) -> None:
    _, stage = only(template, "AWS::ApiGateway::Stage")
    throttles = [
        (s["ResourcePath"], s["HttpMethod"], s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"]) for s in stage["Properties"]["MethodSettings"]
    ]
    assert throttles == [("/*", "*", 50, 100), ("/~1orders", "POST", 20, 40)]
    assert stage["Properties"]["TracingEnabled"] is True
    assert json.loads(stage["Properties"]["AccessLogSetting"]["Format"])["requestId"]
    template.resource_count_is("AWS::ApiGateway::Account", 0)


def test_gives_api_gateway_a_role_that_can_only_sns_publish_to_the_one_topic(template: Template, ids: dict[str, str]) -> None:
    role = template.find_resources("AWS::IAM::Role")[ids["api_role"]]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}}
    ]
    assert "ManagedPolicyArns" not in role
    assert [p["PolicyDocument"]["Statement"] for p in role["Policies"]] == [
        [{"Action": "sns:Publish", "Effect": "Allow", "Resource": {"Ref": ids["topic"]}}]
    ]
    attached = [p for p in template.find_resources("AWS::IAM::Policy").values() if ids["api_role"] in json.dumps(p["Properties"]["Roles"])]
    assert attached == [], "no other policy may be attached to the API role"


# SNS fan-out


def test_encrypts_the_topic_and_refuses_publishes_over_plain_http(template: Template, ids: dict[str, str]) -> None:
    topic = template.find_resources("AWS::SNS::Topic")[ids["topic"]]["Properties"]
    assert "KmsMasterKeyId" in topic
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"Topics": [{"Ref": ids["topic"]}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}},
    )


def test_routes_created_to_one_queue_and_every_other_status_to_the_other_with_these_exact_filters(
    template: Template, ids: dict[str, str]
) -> None:
    by_queue: dict[str, Any] = {}
    for subscription in template.find_resources("AWS::SNS::Subscription").values():
        props = subscription["Properties"]
        assert props["TopicArn"] == {"Ref": ids["topic"]}
        assert props["Protocol"] == "sqs"
        # The consumers parse the SNS envelope, so raw delivery must stay off.
        assert "RawMessageDelivery" not in props
        assert "FilterPolicyScope" not in props, "filters must match message attributes"
        by_queue[props["Endpoint"]["Fn::GetAtt"][0]] = props["FilterPolicy"]
    assert by_queue == {
        ids["created"]: {"status": ["created"]},
        ids["updates"]: {"status": [{"anything-but": ["created"]}]},
    }


# SQS queues and consumers


def test_moves_a_message_to_its_own_dlq_after_three_receives(template: Template, ids: dict[str, str]) -> None:
    assert MAX_RECEIVE_COUNT == 3
    queues = template.find_resources("AWS::SQS::Queue")
    for queue, dlq in ((ids["created"], ids["created_dlq"]), (ids["updates"], ids["updates_dlq"])):
        assert queues[queue]["Properties"]["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": 3}
        assert "RedrivePolicy" not in queues[dlq]["Properties"]
        assert queues[dlq]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_encrypts_all_four_queues_and_denies_non_tls_access_to_each(template: Template) -> None:
    queues = template.find_resources("AWS::SQS::Queue")
    assert len(queues) == 4
    for queue_id, queue in queues.items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True, queue_id
        template.has_resource_properties(
            "AWS::SQS::QueuePolicy",
            {"Queues": [{"Ref": queue_id}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}},
        )


def test_drains_each_queue_with_its_own_function_reporting_per_record_failures(template: Template, ids: dict[str, str]) -> None:
    wiring = []
    for mapping in template.find_resources("AWS::Lambda::EventSourceMapping").values():
        props = mapping["Properties"]
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["BatchSize"] == 10
        assert props["MaximumBatchingWindowInSeconds"] == 1
        assert props["ScalingConfig"] == {"MaximumConcurrency": 5}
        wiring.append((props["EventSourceArn"]["Fn::GetAtt"][0], re.sub("[0-9A-F]{8}$", "", props["FunctionName"]["Ref"])))
    assert sorted(wiring) == [(ids["created"], "CreatedOrdersConsumer"), (ids["updates"], "OrderUpdatesConsumer")]


def test_keeps_each_queue_invisible_for_six_times_the_consumer_timeout(template: Template, ids: dict[str, str]) -> None:
    functions = list(template.find_resources("AWS::Lambda::Function").values())
    assert len(functions) == 2, "only the two consumers are functions; nothing sits between API and SNS"
    queues = template.find_resources("AWS::SQS::Queue")
    assert sorted(f["Properties"]["Handler"] for f in functions) == ["created_orders.handler", "order_updates.handler"]
    for fn in functions:
        props = fn["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["LoggingConfig"]["LogFormat"] == "JSON"
        assert queues[ids["created"]]["Properties"]["VisibilityTimeout"] == props["Timeout"] * 6
        assert queues[ids["updates"]]["Properties"]["VisibilityTimeout"] == props["Timeout"] * 6


def test_lets_each_consumer_read_only_its_own_queue_with_no_managed_policies(template: Template, ids: dict[str, str]) -> None:
    for name, queue, other in (("CreatedOrders", ids["created"], ids["updates"]), ("OrderUpdates", ids["updates"], ids["created"])):
        role_id = logical_id(template, f"{name}ConsumerRole", "AWS::IAM::Role")
        assert "ManagedPolicyArns" not in template.find_resources("AWS::IAM::Role")[role_id]["Properties"]
        statements = [
            s
            for p in template.find_resources("AWS::IAM::Policy").values()
            if p["Properties"]["Roles"] == [{"Ref": role_id}]
            for s in p["Properties"]["PolicyDocument"]["Statement"]
        ]
        actions = lambda s: [s["Action"]] if isinstance(s["Action"], str) else s["Action"]  # noqa: E731
        sqs_statements = [s for s in statements if any(a.startswith("sqs:") for a in actions(s))]
        assert len(sqs_statements) == 1
        assert sqs_statements[0]["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert "sqs:SendMessage" not in actions(sqs_statements[0])
        assert other not in json.dumps(statements)


# Alarms


def test_alarms_on_a_message_in_either_dead_letter_queue_and_on_errors_of_either_consumer_notifying_one_alarm_topic(
    template: Template, ids: dict[str, str]
) -> None:
    alarm_topic = logical_id(template, "AlarmTopic", "AWS::SNS::Topic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert len(alarms) == 4
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": alarm_topic}]
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["TreatMissingData"] == "notBreaching"
        assert len(alarm["AlarmDescription"]) > 40

    def watched(alarm: dict[str, Any]) -> tuple[str, str, int, str]:
        value = alarm["Dimensions"][0]["Value"]
        return (alarm["MetricName"], alarm["Statistic"], alarm["Period"], value.get("Ref") or value["Fn::GetAtt"][0])

    def fn(name: str) -> str:
        return logical_id(template, f"{name}Consumer", "AWS::Lambda::Function")

    assert sorted(watched(a) for a in alarms) == sorted(
        [
            ("ApproximateNumberOfMessagesVisible", "Maximum", 60, ids["created_dlq"]),
            ("ApproximateNumberOfMessagesVisible", "Maximum", 60, ids["updates_dlq"]),
            ("Errors", "Sum", 300, fn("CreatedOrders")),
            ("Errors", "Sum", 300, fn("OrderUpdates")),
        ]
    )


def test_keeps_the_alarm_topic_tls_only_and_subscribes_an_email_address_only_when_alarm_email_is_set(template: Template) -> None:
    alarm_topic = logical_id(template, "AlarmTopic", "AWS::SNS::Topic")
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"Topics": [{"Ref": alarm_topic}], "PolicyDocument": {"Statement": Match.array_with([TLS_ONLY])}},
    )
    template.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email"}, 0)
    with_email = Template.from_stack(TheBigFanStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}, 1)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheBigFanStack) -> None:
    with_email = TheBigFanStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
