import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_waf_apigateway.regional_firewall import MANAGED_RULE_GROUPS
from the_waf_apigateway.the_waf_apigateway_stack import DEFAULT_MONTHLY_BUDGET_USD, RATE_LIMIT, TheWafApigatewayStack


@pytest.fixture(scope="module")
def stack() -> TheWafApigatewayStack:
    return TheWafApigatewayStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheWafApigatewayStack) -> Template:
    return Template.from_stack(stack)


def id_of(template: Template, resource_type: str) -> str:
    ids = list(template.find_resources(resource_type))
    assert len(ids) == 1, f"expected exactly one {resource_type}"
    return ids[0]


@pytest.fixture(scope="module")
def acl(template: Template) -> tuple[str, dict[str, Any]]:
    acl_id = id_of(template, "AWS::WAFv2::WebACL")
    return acl_id, template.find_resources("AWS::WAFv2::WebACL")[acl_id]["Properties"]


def test_is_a_regional_web_acl_that_allows_by_default_and_records_metrics_and_samples(acl: tuple[str, dict[str, Any]]) -> None:
    props = acl[1]
    assert props["Scope"] == "REGIONAL"
    assert props["DefaultAction"] == {"Allow": {}}
    assert props["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    assert props["VisibilityConfig"]["SampledRequestsEnabled"] is True
    for rule in props["Rules"]:
        assert rule["VisibilityConfig"] == {"CloudWatchMetricsEnabled": True, "SampledRequestsEnabled": True, "MetricName": rule["Name"]}


def test_runs_exactly_these_rules_in_this_order(acl: tuple[str, dict[str, Any]]) -> None:
    assert [(r["Priority"], r["Name"]) for r in acl[1]["Rules"]] == [
        (0, "AWSManagedRulesAmazonIpReputationList"),
        (1, "RateLimitPerIp"),
        (2, "AWSManagedRulesCommonRuleSet"),
        (3, "AWSManagedRulesKnownBadInputsRuleSet"),
    ]


def test_uses_the_aws_managed_rule_groups_with_their_own_block_actions(acl: tuple[str, dict[str, Any]]) -> None:
    managed = [r for r in acl[1]["Rules"] if "ManagedRuleGroupStatement" in r["Statement"]]
    assert [r["Statement"]["ManagedRuleGroupStatement"] for r in managed] == [{"Name": n, "VendorName": "AWS"} for n in MANAGED_RULE_GROUPS]
    # A "count" override would leave the rule groups watching but never blocking.
    for rule in managed:
        assert rule["OverrideAction"] == {"None": {}}


def test_blocks_an_address_above_100_requests_a_minute_with_a_429(acl: tuple[str, dict[str, Any]]) -> None:
    rate = next(r for r in acl[1]["Rules"] if r["Name"] == "RateLimitPerIp")
    assert rate["Statement"] == {"RateBasedStatement": {"AggregateKeyType": "IP", "Limit": 100, "EvaluationWindowSec": 60}}
    assert RATE_LIMIT == {"requests_per_ip": 100, "window_seconds": 60}
    assert rate["Action"] == {"Block": {"CustomResponse": {"ResponseCode": 429, "CustomResponseBodyKey": "too-many-requests"}}}
    assert acl[1]["CustomResponseBodies"]["too-many-requests"]["ContentType"] == "APPLICATION_JSON"


def test_associates_the_web_acl_with_the_prod_stage_of_the_rest_api(template: Template, acl: tuple[str, dict[str, Any]]) -> None:
    api = id_of(template, "AWS::ApiGateway::RestApi")
    stage = id_of(template, "AWS::ApiGateway::Stage")
    template.has_resource_properties("AWS::ApiGateway::Stage", {"StageName": "prod"})
    template.has_resource_properties(
        "AWS::WAFv2::WebACLAssociation",
        {
            "WebACLArn": {"Fn::GetAtt": [acl[0], "Arn"]},
            "ResourceArn": {
                "Fn::Join": [
                    "",
                    ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}, "::/restapis/", {"Ref": api}, "/stages/", {"Ref": stage}],
                ]
            },
        },
    )


def test_serves_the_api_from_a_regional_endpoint_as_regional_web_acls_require(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["REGIONAL"]}})


def test_logs_blocked_and_counted_requests_to_an_aws_waf_logs_log_group_without_credentials(
    template: Template, acl: tuple[str, dict[str, Any]]
) -> None:
    named = [(k, r) for k, r in template.find_resources("AWS::Logs::LogGroup").items() if r["Properties"].get("LogGroupName")]
    assert len(named) == 1
    logs_id, log_group = named[0]
    assert log_group["Properties"]["LogGroupName"].startswith("aws-waf-logs-")
    template.has_resource_properties(
        "AWS::WAFv2::LoggingConfiguration",
        {
            "ResourceArn": {"Fn::GetAtt": [acl[0], "Arn"]},
            # The bare ARN: WAF rejects the ":*" form the log group's Arn attribute returns.
            "LogDestinationConfigs": [{"Fn::Join": ["", Match.array_with([":log-group:", {"Ref": logs_id}])]}],
            "LoggingFilter": {
                "DefaultBehavior": "DROP",
                "Filters": [
                    Match.object_like(
                        {
                            "Behavior": "KEEP",
                            "Requirement": "MEETS_ANY",
                            "Conditions": [{"ActionCondition": {"Action": "BLOCK"}}, {"ActionCondition": {"Action": "COUNT"}}],
                        }
                    )
                ],
            },
            "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}],
        },
    )
    assert not re.search(r':\*"', json.dumps(template.find_resources("AWS::WAFv2::LoggingConfiguration")))


def test_sends_get_hello_to_the_greeter_function_through_a_proxy_integration(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGateway::Method", {"HttpMethod": "GET", "Integration": Match.object_like({"Type": "AWS_PROXY"})})
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Runtime": "python3.13", "Architectures": ["arm64"], "Handler": "greeter.handler", "LoggingConfig": Match.object_like({"LogFormat": "JSON"})},
    )


def test_keeps_the_stage_throttled_and_access_logged_behind_the_web_acl(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "TracingEnabled": True,
            "AccessLogSetting": Match.object_like({"Format": Match.string_like_regexp("wafResponseCode")}),
            "MethodSettings": Match.array_with([Match.object_like({"ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100})]),
        },
    )


def test_gives_the_function_a_role_with_no_managed_policy_and_no_data_access(template: Template) -> None:
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})
    actions = sorted(
        action
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    )
    assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]


def test_sends_api_5xx_answers_and_function_errors_to_the_one_alarm_topic(template: Template) -> None:
    topic = id_of(template, "AWS::SNS::Topic")
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert sorted(re.sub(r"[A-F0-9]{8}$", "", k) for k in alarms) == ["ApiServerErrorsAlarm", "GreeterErrorsAlarm"]
    for alarm_id, alarm in alarms.items():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": topic}], alarm_id
        assert [props["Statistic"], props["Period"], props["Threshold"]] == ["Sum", 300, 1], alarm_id
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/ApiGateway", "MetricName": "5XXError"})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"Namespace": "AWS/Lambda", "MetricName": "Errors"})
    template.resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(TheWafApigatewayStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_tells_the_alarm_topic_when_the_months_aws_waf_charges_pass_the_budget(template: Template) -> None:
    topic = id_of(template, "AWS::SNS::Topic")
    template.has_resource_properties(
        "AWS::Budgets::Budget",
        {
            "Budget": {
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": {"Amount": DEFAULT_MONTHLY_BUDGET_USD, "Unit": "USD"},
                "CostFilters": {"Service": ["AWS WAF"]},
            },
            "NotificationsWithSubscribers": Match.array_with(
                [
                    {
                        "Notification": Match.object_like({"NotificationType": "ACTUAL", "Threshold": 100}),
                        "Subscribers": [{"SubscriptionType": "SNS", "Address": {"Ref": topic}}],
                    }
                ]
            ),
        },
    )
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "budgets.amazonaws.com"},
                                "Action": "sns:Publish",
                                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                            }
                        ),
                    ]
                )
            }
        },
    )
    custom = Template.from_stack(TheWafApigatewayStack(app_from_cdk_json(monthlyBudgetUsd="40"), "Custom"))
    custom.has_resource_properties("AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 40, "Unit": "USD"}})})
    with pytest.raises(ValueError, match="positive number"):
        TheWafApigatewayStack(app_from_cdk_json(monthlyBudgetUsd="0"), "Zero")


def test_passes_the_aws_solutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheWafApigatewayStack) -> None:
    with_email = TheWafApigatewayStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
