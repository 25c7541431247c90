import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from functions.transaction import LOCATION_PATTERN, RESULT_PATTERN, TRANSACTION_ID_PATTERN
from tests.cdk_app import app_from_cdk_json
from the_eventbridge_atm.the_eventbridge_atm_stack import TheEventbridgeAtmStack

CONSUMERS = ("Approved", "NewYork", "Declined", "LargeWithdrawal")
ENVELOPE = {"source": ["custom.atm"], "detail-type": ["ATM transaction"]}


@pytest.fixture(scope="module")
def stack() -> TheEventbridgeAtmStack:
    return TheEventbridgeAtmStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheEventbridgeAtmStack) -> Template:
    return Template.from_stack(stack)


def resources(template: Template, type_: str) -> dict[str, Any]:
    return template.find_resources(type_)


def logical_id(template: Template, prefix: str, type_: str) -> str:
    matches = [i for i in resources(template, type_) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {type_} named {prefix}"
    return matches[0]


def actions_of(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else action


def statements_of(template: Template, role_id: str) -> list[dict[str, Any]]:
    return [
        s
        for p in resources(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


# event bus and rules


def test_puts_all_four_rules_on_the_stacks_own_bus_none_on_the_default_bus(template: Template) -> None:
    bus = logical_id(template, "AtmEvents", "AWS::Events::EventBus")
    rules = list(resources(template, "AWS::Events::Rule").values())
    assert len(rules) == 4
    assert all(rule["Properties"]["EventBusName"] == {"Ref": bus} for rule in rules)


def test_matches_each_slice_of_traffic_with_exactly_these_event_patterns(template: Template) -> None:
    rules = resources(template, "AWS::Events::Rule")
    patterns = {name: rules[logical_id(template, f"{name}Rule", "AWS::Events::Rule")]["Properties"]["EventPattern"] for name in CONSUMERS}
    assert patterns == {
        "Approved": {**ENVELOPE, "detail": {"result": ["approved"]}},
        "NewYork": {**ENVELOPE, "detail": {"location": [{"prefix": "NY-"}]}},
        "Declined": {**ENVELOPE, "detail": {"result": [{"anything-but": ["approved"]}]}},
        "LargeWithdrawal": {**ENVELOPE, "detail": {"action": ["withdrawal"], "amount": [{"numeric": [">=", 1000]}]}},
    }


def test_gives_every_rule_one_target_its_own_consumer_with_a_retry_policy_and_the_shared_dlq(template: Template) -> None:
    queue = logical_id(template, "FailedEvents", "AWS::SQS::Queue")
    for name in CONSUMERS:
        rule = resources(template, "AWS::Events::Rule")[logical_id(template, f"{name}Rule", "AWS::Events::Rule")]
        assert rule["Properties"]["Targets"] == [
            {
                "Id": "Target0",
                "Arn": {"Fn::GetAtt": [logical_id(template, f"{name}Consumer", "AWS::Lambda::Function"), "Arn"]},
                "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [queue, "Arn"]}},
            }
        ]


def test_lets_eventbridge_invoke_each_consumer_only_from_its_own_rule(template: Template) -> None:
    from_events = [p for p in resources(template, "AWS::Lambda::Permission").values() if p["Properties"]["Principal"] == "events.amazonaws.com"]
    pairs = sorted((p["Properties"]["FunctionName"]["Fn::GetAtt"][0], p["Properties"]["SourceArn"]["Fn::GetAtt"][0]) for p in from_events)
    assert pairs == sorted(
        (logical_id(template, f"{n}Consumer", "AWS::Lambda::Function"), logical_id(template, f"{n}Rule", "AWS::Events::Rule")) for n in CONSUMERS
    )


# failure handling


def test_retries_a_throwing_consumer_twice_within_an_hour_then_records_it_in_failed_events(template: Template) -> None:
    queue = logical_id(template, "FailedEvents", "AWS::SQS::Queue")
    configs = list(resources(template, "AWS::Lambda::EventInvokeConfig").values())
    assert len(configs) == 4
    for config in configs:
        assert config["Properties"]["MaximumRetryAttempts"] == 2
        assert config["Properties"]["MaximumEventAgeInSeconds"] == 3600
        assert config["Properties"]["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}}
    assert sorted(c["Properties"]["FunctionName"]["Ref"] for c in configs) == sorted(
        logical_id(template, f"{n}Consumer", "AWS::Lambda::Function") for n in CONSUMERS
    )


def test_lets_eventbridge_send_to_the_dlq_only_on_behalf_of_the_four_rules_and_only_over_tls(template: Template) -> None:
    queue = logical_id(template, "FailedEvents", "AWS::SQS::Queue")
    [policy] = resources(template, "AWS::SQS::QueuePolicy").values()
    assert policy["Properties"]["Queues"] == [{"Ref": queue}]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    for s in allows:
        assert s["Action"] == "sqs:SendMessage"
        assert s["Principal"] == {"Service": "events.amazonaws.com"}
    assert sorted(s["Condition"]["ArnEquals"]["aws:SourceArn"]["Fn::GetAtt"][0] for s in allows) == sorted(
        logical_id(template, f"{n}Rule", "AWS::Events::Rule") for n in CONSUMERS
    )
    assert any(s["Effect"] == "Deny" and "aws:SecureTransport" in json.dumps(s.get("Condition")) for s in statements)


def test_alarms_on_the_first_failed_event_and_on_errors_of_every_consumer_all_to_the_one_alarm_topic(template: Template) -> None:
    topic = logical_id(template, "AlarmTopic", "AWS::SNS::Topic")
    alarms = list(resources(template, "AWS::CloudWatch::Alarm").values())
    assert len(alarms) == 1 + len(CONSUMERS)
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [logical_id(template, "FailedEvents", "AWS::SQS::Queue"), "QueueName"]}}],
            "Statistic": "Maximum",
            "Period": 60,
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
        },
    )
    for name in CONSUMERS:
        template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "MetricName": "Errors",
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": logical_id(template, f"{name}Consumer", "AWS::Lambda::Function")}}],
                "Statistic": "Sum",
                "Period": 300,
                "Threshold": 1,
            },
        )


def test_mails_the_alarm_topic_only_when_deployed_with_an_alarm_email(template: Template) -> None:
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(TheEventbridgeAtmStack(app_from_cdk_json(alarmEmail="ops@example.com"), "WithEmail"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_keeps_failed_events_encrypted_for_14_days(template: Template) -> None:
    queue = resources(template, "AWS::SQS::Queue")[logical_id(template, "FailedEvents", "AWS::SQS::Queue")]
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


# producer and API


def test_lets_the_producer_put_events_on_the_atm_bus_and_do_nothing_else_with_eventbridge(template: Template) -> None:
    bus = logical_id(template, "AtmEvents", "AWS::Events::EventBus")
    statements = statements_of(template, logical_id(template, "ProducerRole", "AWS::IAM::Role"))
    on_events = [s for s in statements if any(a.startswith("events:") for a in actions_of(s))]
    assert on_events == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": {"Fn::GetAtt": [bus, "Arn"]}}]
    template.has_resource_properties("AWS::Lambda::Function", {"Environment": {"Variables": {"EVENT_BUS_NAME": {"Ref": bus}}}})


def test_gives_consumers_no_eventbridge_rights_only_their_logs_xray_and_sending_to_failed_events(template: Template) -> None:
    queue = logical_id(template, "FailedEvents", "AWS::SQS::Queue")
    for name in CONSUMERS:
        statements = statements_of(template, logical_id(template, f"{name}ConsumerRole", "AWS::IAM::Role"))
        actions = [a for s in statements for a in actions_of(s)]
        assert not any(a.startswith("events:") for a in actions), name
        # Sorted: with the minimizePolicies feature flag CDK merges and orders the actions itself.
        assert sorted(a for a in actions if a.startswith("sqs:")) == ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"]
        sqs = next(s for s in statements if "sqs:SendMessage" in actions_of(s))
        assert sqs["Resource"] == {"Fn::GetAtt": [queue, "Arn"]}


def test_runs_every_function_on_python_3_13_arm64_traced_with_its_own_role_and_no_managed_policy(template: Template) -> None:
    functions = resources(template, "AWS::Lambda::Function")
    assert len(functions) == 5, "one producer and four consumers"
    for fn in functions.values():
        assert fn["Properties"]["Runtime"] == "python3.13"
        assert fn["Properties"]["Architectures"] == ["arm64"]
        assert fn["Properties"]["TracingConfig"] == {"Mode": "Active"}
        assert fn["Properties"]["LoggingConfig"]["LogFormat"] == "JSON"
    assert all("ManagedPolicyArns" not in role["Properties"] for role in resources(template, "AWS::IAM::Role").values())
    kinds = [
        functions[logical_id(template, f"{n}Consumer", "AWS::Lambda::Function")]["Properties"]["Environment"]["Variables"]["CONSUMER_KIND"]
        for n in CONSUMERS
    ]
    assert kinds == ["approved", "new-york", "declined", "large-withdrawal"]


def test_sends_post_transactions_to_the_producer_through_a_lambda_proxy_integration(template: Template) -> None:
    methods = list(resources(template, "AWS::ApiGateway::Method").values())
    assert len(methods) == 1
    [method] = methods
    assert method["Properties"]["HttpMethod"] == "POST"
    assert method["Properties"]["Integration"]["Type"] == "AWS_PROXY"
    assert logical_id(template, "Producer", "AWS::Lambda::Function") in json.dumps(method["Properties"]["Integration"]["Uri"])
    template.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "transactions"})


def test_validates_the_body_against_a_model_of_one_to_ten_well_formed_transactions(template: Template) -> None:
    [validator_id] = resources(template, "AWS::ApiGateway::RequestValidator")
    [(model_id, model)] = resources(template, "AWS::ApiGateway::Model").items()
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {"RequestValidatorId": {"Ref": validator_id}, "RequestModels": {"application/json": {"Ref": model_id}}},
    )
    items = model["Properties"]["Schema"]["properties"]["transactions"]
    assert (items["minItems"], items["maxItems"]) == (1, 10)
    item = items["items"]
    assert item["required"] == ["transactionId", "action", "location", "amount", "result"]
    assert item["additionalProperties"] is False
    assert item["properties"]["transactionId"]["pattern"] == TRANSACTION_ID_PATTERN
    assert item["properties"]["location"]["pattern"] == LOCATION_PATTERN
    assert item["properties"]["result"]["pattern"] == RESULT_PATTERN
    assert item["properties"]["action"]["enum"] == ["withdrawal", "deposit", "balance"]


def test_throttles_the_stage_and_writes_json_access_logs(template: Template) -> None:
    [stage] = resources(template, "AWS::ApiGateway::Stage").values()
    settings = stage["Properties"]["MethodSettings"]
    assert [(s["ResourcePath"], s["HttpMethod"], s["ThrottlingRateLimit"], s["ThrottlingBurstLimit"]) for s in settings] == [("/*", "*", 20, 40)]
    assert json.loads(stage["Properties"]["AccessLogSetting"]["Format"])["requestId"]
    template.resource_count_is("AWS::ApiGateway::Account", 0)


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheEventbridgeAtmStack) -> None:
    # Also with -c alarmEmail: the e-mail subscription is a resource of its own that the packs check.
    with_email = TheEventbridgeAtmStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
