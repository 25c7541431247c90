import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from wait_state_and_callback.wait_state_and_callback_stack import WaitStateAndCallbackStack


@pytest.fixture(scope="module")
def stack() -> WaitStateAndCallbackStack:
    return WaitStateAndCallbackStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: WaitStateAndCallbackStack) -> Template:
    return Template.from_stack(stack)


def logical_id(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"one {resource_type} starting with {prefix}"
    return ids[0]


def statements(template: Template) -> list[dict[str, Any]]:
    """Every IAM statement in the stack, with the policy's logical id."""
    policies = {**template.find_resources("AWS::IAM::Policy"), **template.find_resources("AWS::IAM::ManagedPolicy")}
    return [
        {"policy": pid, "actions": [s["Action"]] if isinstance(s["Action"], str) else s["Action"], "resource": s["Resource"]}
        for pid, p in policies.items()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_lets_only_the_decide_function_send_task_results_and_only_send_task_success_on_this_workflow(template: Template) -> None:
    senders = [s for s in statements(template) if any(re.match(r"^states:(SendTask|\*)", a) or a == "*" for a in s["actions"])]
    assert senders == [
        {
            "policy": logical_id(template, "AWS::IAM::Policy", "DecideRole"),
            "actions": ["states:SendTaskSuccess"],
            "resource": {"Ref": logical_id(template, "AWS::StepFunctions::StateMachine", "ApprovalFlow")},
        }
    ]


def test_gives_register_request_put_item_and_decide_update_item_and_the_workflow_update_item_for_its_token_and_states(template: Template) -> None:
    table = logical_id(template, "AWS::DynamoDB::GlobalTable", "Approvals")
    dynamo = [s for s in statements(template) if any(a.startswith("dynamodb:") for a in s["actions"])]
    assert sorted((re.sub(r"[0-9A-F]{8}$", "", s["policy"]), s["actions"]) for s in dynamo) == [
        ("ApprovalFlowRoleDefaultPolicy", ["dynamodb:UpdateItem"]),
        ("DecideRoleDefaultPolicy", ["dynamodb:UpdateItem"]),
        ("RegisterRequestRoleDefaultPolicy", ["dynamodb:PutItem"]),
    ]
    assert all(table in str(s["resource"]) for s in dynamo)


def test_lets_the_workflow_invoke_register_request_and_publish_to_the_approver_topic_and_nothing_else_beyond_logs_and_traces(
    template: Template,
) -> None:
    workflow = logical_id(template, "AWS::IAM::Policy", "ApprovalFlowRole")
    mine = [s for s in statements(template) if s["policy"] == workflow]
    actions = sorted(a for s in mine for a in s["actions"] if not a.startswith(("logs:", "xray:")))
    assert actions == ["dynamodb:UpdateItem", "lambda:InvokeFunction", "sns:Publish"]
    publish = next(s for s in mine if "sns:Publish" in s["actions"])
    assert publish["resource"] == {"Ref": logical_id(template, "AWS::SNS::Topic", "ApproverTopic")}


def test_demands_sigv4_on_the_one_approval_route_and_throttles_the_stage(template: Template) -> None:
    routes = [r["Properties"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values()]
    assert [(r["RouteKey"], r["AuthorizationType"]) for r in routes] == [("POST /approvals/{approvalId}", "AWS_IAM")]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingRateLimit": 10, "ThrottlingBurstLimit": 20},
            "AccessLogSettings": Match.object_like({"Format": Match.string_like_regexp("identity.userArn")}),
        },
    )


def test_offers_an_approver_policy_that_may_only_post_to_approvals_on_this_api(template: Template) -> None:
    api = logical_id(template, "AWS::ApiGatewayV2::Api", "ApprovalApi")
    policy = next(iter(template.find_resources("AWS::IAM::ManagedPolicy").values()))["Properties"]["PolicyDocument"]["Statement"]
    assert len(policy) == 1
    assert policy[0]["Action"] == "execute-api:Invoke"
    assert policy[0]["Resource"]["Fn::Join"][1][-2:] == [{"Ref": api}, "/*/POST/approvals/*"]


def test_encrypts_the_approver_topic_and_subscribes_an_approver_only_when_asked(template: Template) -> None:
    topic = template.find_resources("AWS::SNS::Topic")[logical_id(template, "AWS::SNS::Topic", "ApproverTopic")]["Properties"]
    assert topic["KmsMasterKeyId"]["Fn::Join"][1][-1] == ":alias/aws/sns"
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_approver = Template.from_stack(WaitStateAndCallbackStack(app_from_cdk_json(approverEmail="lead@example.com"), "With-Approver"))
    with_approver.has_resource_properties(
        "AWS::SNS::Subscription",
        {"Protocol": "email", "Endpoint": "lead@example.com", "TopicArn": {"Ref": Match.string_like_regexp("^ApproverTopic")}},
    )


def test_alarms_on_failed_and_timed_out_executions_api_5xx_and_decide_errors_notifying_one_alarm_topic(template: Template) -> None:
    topic = logical_id(template, "AWS::SNS::Topic", "AlarmTopic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["ComparisonOperator"]) for a in alarms) == [
        ("AWS/ApiGateway", "5xx", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/States", "ExecutionsFailed", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/States", "ExecutionsTimedOut", "Sum", 300, 1, "GreaterThanOrEqualToThreshold"),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    lambda_alarm = next(a for a in alarms if a["Namespace"] == "AWS/Lambda")
    assert lambda_alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": logical_id(template, "AWS::Lambda::Function", "Decide")}}]
    with_email = Template.from_stack(WaitStateAndCallbackStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": {"Ref": Match.string_like_regexp("^AlarmTopic")}}
    )


def test_runs_both_functions_on_python_3_13_arm64_with_tracing_their_own_log_groups_and_no_managed_policy(template: Template) -> None:
    functions = [f["Properties"] for f in template.find_resources("AWS::Lambda::Function").values()]
    assert sorted(f["Handler"] for f in functions) == ["decide.handler", "register_request.handler"]
    for fn in functions:
        assert fn["Runtime"] == "python3.13"
        assert fn["Architectures"] == ["arm64"]
        assert fn["TracingConfig"] == {"Mode": "Active"}
        assert fn["LoggingConfig"]["LogGroup"]
    for role in template.find_resources("AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role["Properties"]


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: WaitStateAndCallbackStack) -> None:
    with_emails = WaitStateAndCallbackStack(app_from_cdk_json(alarmEmail="ops@example.com", approverEmail="lead@example.com"), "Nag-With-Emails")
    for scope in (stack, with_emails):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
