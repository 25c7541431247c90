import copy
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_destined_lambda.the_destined_lambda_stack import TheDestinedLambdaStack


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
def stack() -> TheDestinedLambdaStack:
    return TheDestinedLambdaStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheDestinedLambdaStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, prefix: str, resource_type: str) -> str:
    matches = [i for i in template.find_resources(resource_type) if re.fullmatch(f"{prefix}[0-9A-F]{{8}}", i)]
    assert len(matches) == 1, f"expected one {resource_type} named {prefix}"
    return matches[0]


@pytest.fixture(scope="module")
def ids(template: Template) -> dict[str, str]:
    return {
        "topic": logical_id(template, "Messages", "AWS::SNS::Topic"),
        "bus": logical_id(template, "InvocationResults", "AWS::Events::EventBus"),
        "dlq": logical_id(template, "ResultsDlq", "AWS::SQS::Queue"),
        "processor": logical_id(template, "Processor", "AWS::Lambda::Function"),
        "success": logical_id(template, "SuccessHandler", "AWS::Lambda::Function"),
        "failure": logical_id(template, "FailureHandler", "AWS::Lambda::Function"),
        "api_role": logical_id(template, "ApiPublishRole", "AWS::IAM::Role"),
    }


def statements_of(template: Template, role_id: str) -> list[dict[str, Any]]:
    return [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": role_id}]
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def invoke_config_of(template: Template, fn: str) -> dict[str, Any]:
    found = [c["Properties"] for c in template.find_resources("AWS::Lambda::EventInvokeConfig").values() if c["Properties"]["FunctionName"]["Ref"] == fn]
    assert len(found) == 1
    return found[0]


# API Gateway straight to SNS


def test_publishes_the_request_body_with_sns_publish_through_a_direct_aws_integration(template: Template, ids: dict[str, str]) -> None:
    (method,) = template.find_resources("AWS::ApiGateway::Method").values()
    integration = method["Properties"]["Integration"]
    assert method["Properties"]["HttpMethod"] == "POST"
    assert integration["Type"] == "AWS"
    assert re.search(r":apigateway:\$\{AWS::Region\}:sns:action/Publish$", flatten(integration["Uri"]))
    assert integration["Credentials"] == {"Fn::GetAtt": [ids["api_role"], "Arn"]}
    assert integration["PassthroughBehavior"] == "NEVER"
    assert flatten(integration["RequestTemplates"]["application/json"]).split("&") == [
        "Action=Publish",
        "TopicArn=$util.urlEncode('${" + ids["topic"] + "}')",
        "Message=$util.urlEncode($input.body)",
    ]
    assert [(r["StatusCode"], r.get("SelectionPattern")) for r in integration["IntegrationResponses"]] == [("202", r"2\d{2}"), ("500", None)]


def test_validates_the_body_and_throttles_the_stage(template: Template) -> None:
    (model,) = template.find_resources("AWS::ApiGateway::Model").values()
    schema = model["Properties"]["Schema"]
    assert schema["required"] == ["message"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["message"] == {"type": "string", "minLength": 1, "maxLength": 256}
    template.has_resource_properties("AWS::ApiGateway::RequestValidator", {"ValidateRequestBody": True})
    template.has_resource_properties(
        "AWS::ApiGateway::Stage", {"MethodSettings": [Match.object_like({"ThrottlingRateLimit": 20, "ThrottlingBurstLimit": 40})]}
    )


def test_lets_api_gateway_do_nothing_but_publish_to_the_one_topic(template: Template, ids: dict[str, str]) -> None:
    role = template.find_resources("AWS::IAM::Role")[ids["api_role"]]["Properties"]
    assert [p["PolicyDocument"]["Statement"] for p in role["Policies"]] == [
        [{"Action": "sns:Publish", "Effect": "Allow", "Resource": {"Ref": ids["topic"]}}]
    ]
    assert statements_of(template, ids["api_role"]) == []


def test_has_no_lambda_between_the_api_and_the_topic(template: Template) -> None:
    assert len(template.find_resources("AWS::Lambda::Function")) == 3, "processor and two record handlers only"
    api_permissions = [
        p for p in template.find_resources("AWS::Lambda::Permission").values() if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    assert api_permissions == []


# SNS to the processor, asynchronously


def test_subscribes_the_processor_to_the_topic_the_only_subscription(template: Template, ids: dict[str, str]) -> None:
    assert [s["Properties"] for s in template.find_resources("AWS::SNS::Subscription").values()] == [
        {"Protocol": "lambda", "TopicArn": {"Ref": ids["topic"]}, "Endpoint": {"Fn::GetAtt": [ids["processor"], "Arn"]}}
    ]
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {"Principal": "sns.amazonaws.com", "SourceArn": {"Ref": ids["topic"]}, "FunctionName": {"Fn::GetAtt": [ids["processor"], "Arn"]}},
    )


def test_retries_a_failed_invocation_once_drops_events_older_than_an_hour_and_sends_both_outcomes_to_the_bus(
    template: Template, ids: dict[str, str]
) -> None:
    bus = {"Fn::GetAtt": [ids["bus"], "Arn"]}
    assert invoke_config_of(template, ids["processor"]) == {
        "FunctionName": {"Ref": ids["processor"]},
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 1,
        "MaximumEventAgeInSeconds": 3600,
        "DestinationConfig": {"OnSuccess": {"Destination": bus}, "OnFailure": {"Destination": bus}},
    }


def test_lets_the_processor_put_events_on_the_results_bus_only(template: Template, ids: dict[str, str]) -> None:
    statements = statements_of(template, logical_id(template, "ProcessorRole", "AWS::IAM::Role"))

    def actions(s: dict[str, Any]) -> list[str]:
        return [s["Action"]] if isinstance(s["Action"], str) else s["Action"]

    non_logging = [s for s in statements if not all(re.match("^(logs|xray):", a) for a in actions(s))]
    assert non_logging == [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": {"Fn::GetAtt": [ids["bus"], "Arn"]}}]


# rules on the results bus


def rule_of(template: Template, name: str) -> dict[str, Any]:
    return template.find_resources("AWS::Events::Rule")[logical_id(template, name, "AWS::Events::Rule")]["Properties"]


def pattern_of(template: Template, name: str) -> dict[str, Any]:
    pattern = copy.deepcopy(rule_of(template, name)["EventPattern"])
    arn = pattern["detail"]["requestContext"]["functionArn"][0]
    arn["prefix"] = flatten(arn["prefix"])
    return pattern


def rule_pattern(ids: dict[str, str], detail_type: str) -> dict[str, Any]:
    return {
        "source": ["lambda"],
        "detail-type": [detail_type],
        "detail": {"requestContext": {"functionArn": [{"prefix": "${" + ids["processor"] + ".Arn}:"}]}},
    }


def test_routes_only_this_processors_success_records_to_success_handler(template: Template, ids: dict[str, str]) -> None:
    assert pattern_of(template, "SuccessRule") == rule_pattern(ids, "Lambda Function Invocation Result - Success")
    assert rule_of(template, "SuccessRule")["EventBusName"] == {"Ref": ids["bus"]}


def test_routes_only_this_processors_failure_records_to_failure_handler(template: Template, ids: dict[str, str]) -> None:
    assert pattern_of(template, "FailureRule") == rule_pattern(ids, "Lambda Function Invocation Result - Failure")
    assert rule_of(template, "FailureRule")["EventBusName"] == {"Ref": ids["bus"]}


def test_gives_each_rule_one_target_with_a_retry_policy_and_the_dlq(template: Template, ids: dict[str, str]) -> None:
    for rule, fn in (("SuccessRule", ids["success"]), ("FailureRule", ids["failure"])):
        assert rule_of(template, rule)["Targets"] == [
            {
                "Id": "Target0",
                "Arn": {"Fn::GetAtt": [fn, "Arn"]},
                "RetryPolicy": {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": {"Fn::GetAtt": [ids["dlq"], "Arn"]}},
            }
        ]


def test_parks_what_the_record_handlers_fail_on_in_results_dlq_after_two_retries(template: Template, ids: dict[str, str]) -> None:
    for fn in (ids["success"], ids["failure"]):
        config = invoke_config_of(template, fn)
        assert config["MaximumRetryAttempts"] == 2
        assert config["DestinationConfig"] == {"OnFailure": {"Destination": {"Fn::GetAtt": [ids["dlq"], "Arn"]}}}
    queue = template.find_resources("AWS::SQS::Queue")[ids["dlq"]]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_runs_all_three_functions_on_python_3_13_arm64_traced_json_logged_without_managed_policies(template: Template) -> None:
    functions = [f["Properties"] for f in template.find_resources("AWS::Lambda::Function").values()]
    assert sorted(f["Handler"] for f in functions) == ["on_failure.handler", "on_success.handler", "processor.handler"]
    for fn in functions:
        assert fn["Runtime"] == "python3.13"
        assert fn["Architectures"] == ["arm64"]
        assert fn["TracingConfig"] == {"Mode": "Active"}
        assert fn["LoggingConfig"]["LogFormat"] == "JSON"
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_alarms_on_every_failed_attempt_every_failure_record_and_anything_parked_in_results_dlq_notifying_one_alarm_topic(
    template: Template, ids: dict[str, str]
) -> None:
    alarm_topic = logical_id(template, "AlarmTopic", "AWS::SNS::Topic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def target(a: dict[str, Any]) -> str:
        value = a["Dimensions"][0]["Value"]
        return value.get("Ref") or value["Fn::GetAtt"][0]

    assert sorted((a["MetricName"], target(a), a["Statistic"], a["Period"]) for a in alarms) == sorted(
        [
            ("ApproximateNumberOfMessagesVisible", ids["dlq"], "Maximum", 60),
            ("Errors", ids["failure"], "Sum", 300),
            ("Errors", ids["processor"], "Sum", 300),
            ("Errors", ids["success"], "Sum", 300),
            ("Invocations", ids["failure"], "Sum", 300),
        ]
    )
    for a in alarms:
        assert (a["Threshold"], a["ComparisonOperator"], a["TreatMissingData"]) == (1, "GreaterThanOrEqualToThreshold", "notBreaching")
        assert a["AlarmActions"] == [{"Ref": alarm_topic}]
    template.resource_properties_count_is("AWS::SNS::Subscription", {"Protocol": "email"}, 0)
    with_email = Template.from_stack(TheDestinedLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheDestinedLambdaStack) -> None:
    with_email = TheDestinedLambdaStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], f"{pack.name} has unacknowledged findings"
