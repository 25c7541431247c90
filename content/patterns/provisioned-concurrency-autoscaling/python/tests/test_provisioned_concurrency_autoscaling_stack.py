import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from provisioned_concurrency_autoscaling.provisioned_concurrency_autoscaling_stack import ProvisionedConcurrencyAutoscalingStack
from tests.cdk_app import app_from_cdk_json


@pytest.fixture(scope="module")
def stack() -> ProvisionedConcurrencyAutoscalingStack:
    return ProvisionedConcurrencyAutoscalingStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ProvisionedConcurrencyAutoscalingStack) -> Template:
    return Template.from_stack(stack)


def only(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    found = template.find_resources(resource_type)
    assert len(found) == 1, f"exactly one {resource_type}"
    return next(iter(found.items()))


def id_starting_with(template: Template, resource_type: str, prefix: str) -> str:
    ids = [i for i in template.find_resources(resource_type) if i.startswith(prefix)]
    assert len(ids) == 1, f"exactly one {resource_type} named {prefix}"
    return ids[0]


def test_runs_the_quote_function_on_python_3_13_arm64_with_512_mb_and_active_tracing(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "quote.handler",
            "MemorySize": 512,
            "Timeout": 3,
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )


def test_keeps_one_provisioned_environment_on_the_live_alias_of_the_current_version(template: Template) -> None:
    _, alias = only(template, "AWS::Lambda::Alias")
    assert alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 1}
    version, _ = only(template, "AWS::Lambda::Version")
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}


def test_lets_application_auto_scaling_move_the_live_alias_between_1_and_10_environments(template: Template) -> None:
    _, target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    props = target["Properties"]
    assert props["ServiceNamespace"] == "lambda"
    assert props["ScalableDimension"] == "lambda:function:ProvisionedConcurrency"
    assert (props["MinCapacity"], props["MaxCapacity"]) == (1, 10)
    # function:<name>:live, the name taken from the alias ARN.
    parts = props["ResourceId"]["Fn::Join"][1]
    alias, _ = only(template, "AWS::Lambda::Alias")
    assert parts[0] == "function:"
    assert parts[1]["Fn::Select"][1]["Fn::Split"][1] == {"Ref": alias}
    assert parts[2] == ":live"
    assert "AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency" in json.dumps(props["RoleARN"])


def test_tracks_70_per_cent_utilisation_of_the_provisioned_environments(template: Template) -> None:
    _, policy = only(template, "AWS::ApplicationAutoScaling::ScalingPolicy")
    target, _ = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert policy["Properties"]["PolicyType"] == "TargetTrackingScaling"
    assert policy["Properties"]["ScalingTargetId"] == {"Ref": target}
    assert policy["Properties"]["TargetTrackingScalingPolicyConfiguration"] == {
        "PredefinedMetricSpecification": {"PredefinedMetricType": "LambdaProvisionedConcurrencyUtilization"},
        "TargetValue": 0.7,
    }


def test_raises_the_floor_to_2_on_weekday_mornings_and_drops_it_to_1_in_the_evening_in_berlin_time(template: Template) -> None:
    _, target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert target["Properties"]["ScheduledActions"] == [
        {
            "ScheduledActionName": "BusinessHoursFloor",
            "Schedule": "cron(45 7 ? * MON-FRI *)",
            "Timezone": "Europe/Berlin",
            "ScalableTargetAction": {"MinCapacity": 2},
        },
        {
            "ScheduledActionName": "OffHoursFloor",
            "Schedule": "cron(0 19 ? * MON-FRI *)",
            "Timezone": "Europe/Berlin",
            "ScalableTargetAction": {"MinCapacity": 1},
        },
    ]


def test_follows_the_business_time_zone_given_in_context() -> None:
    other = Template.from_stack(ProvisionedConcurrencyAutoscalingStack(app_from_cdk_json(businessTimeZone="America/New_York"), "New-York"))
    _, target = only(other, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert [a["Timezone"] for a in target["Properties"]["ScheduledActions"]] == ["America/New_York", "America/New_York"]


def test_routes_only_get_quote_to_the_live_alias_and_never_to_the_unpublished_function(template: Template) -> None:
    template.resource_count_is("AWS::ApiGatewayV2::Route", 1)
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": "GET /quote"})
    alias, _ = only(template, "AWS::Lambda::Alias")
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration", {"IntegrationType": "AWS_PROXY", "IntegrationUri": {"Ref": alias}, "PayloadFormatVersion": "2.0"}
    )
    _, permission = only(template, "AWS::Lambda::Permission")
    api, _ = only(template, "AWS::ApiGatewayV2::Api")
    assert permission["Properties"]["FunctionName"] == {"Ref": alias}
    assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"
    assert permission["Properties"]["SourceArn"]["Fn::Join"][1][-2:] == [{"Ref": api}, "/*/*/quote"]


def test_throttles_and_logs_the_default_stage(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()}),
        },
    )


def test_lets_the_function_write_only_its_own_logs_and_traces_with_no_managed_policy(template: Template) -> None:
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    as_list = lambda action: [action] if isinstance(action, str) else action  # noqa: E731
    assert [(as_list(s["Action"]), s["Resource"]) for s in statements] == [
        (["logs:CreateLogStream", "logs:PutLogEvents"], {"Fn::GetAtt": [id_starting_with(template, "AWS::Logs::LogGroup", "QuoteLogs"), "Arn"]}),
        (["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*"),
    ]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_alarms_on_function_errors_15_minutes_of_spillover_and_api_5xx_all_on_one_topic(template: Template) -> None:
    topic, _ = only(template, "AWS::SNS::Topic")
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted(
        (a["Namespace"], a["MetricName"], a["Statistic"], a["Period"], a["Threshold"], a["EvaluationPeriods"], a["DatapointsToAlarm"]) for a in alarms
    ) == [
        ("AWS/ApiGateway", "5xx", "Sum", 300, 1, 1, 1),
        ("AWS/Lambda", "Errors", "Sum", 300, 1, 1, 1),
        ("AWS/Lambda", "ProvisionedConcurrencySpilloverInvocations", "Sum", 300, 1, 3, 3),
    ]
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    spillover = next(a for a in alarms if a["MetricName"] == "ProvisionedConcurrencySpilloverInvocations")
    fn, _ = only(template, "AWS::Lambda::Function")
    assert spillover["Dimensions"] == [
        {"Name": "FunctionName", "Value": {"Ref": fn}},
        {"Name": "Resource", "Value": {"Fn::Join": ["", [{"Ref": fn}, ":live"]]}},
    ]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(ProvisionedConcurrencyAutoscalingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_budgets_the_month_of_lambda_charges_on_the_alarm_topic_only_budgets_of_this_account_may_use(template: Template) -> None:
    topic, _ = only(template, "AWS::SNS::Topic")
    _, budget = only(template, "AWS::Budgets::Budget")
    assert budget["Properties"]["Budget"] == {
        "BudgetType": "COST",
        "TimeUnit": "MONTHLY",
        "BudgetLimit": {"Amount": 20, "Unit": "USD"},
        "CostFilters": {"Service": ["AWS Lambda"]},
    }
    assert [
        (n["Notification"]["NotificationType"], n["Notification"]["Threshold"], n["Subscribers"]) for n in budget["Properties"]["NotificationsWithSubscribers"]
    ] == [
        ("ACTUAL", 100, [{"SubscriptionType": "SNS", "Address": {"Ref": topic}}]),
        ("FORECASTED", 100, [{"SubscriptionType": "SNS", "Address": {"Ref": topic}}]),
    ]
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Effect": "Allow",
                                    "Principal": {"Service": "budgets.amazonaws.com"},
                                    "Action": "sns:Publish",
                                    "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                                }
                            )
                        ]
                    )
                }
            )
        },
    )


def test_takes_the_budget_from_context_and_refuses_one_that_is_not_a_positive_amount() -> None:
    raised = Template.from_stack(ProvisionedConcurrencyAutoscalingStack(app_from_cdk_json(monthlyBudgetUsd="45.5"), "Raised"))
    raised.has_resource_properties("AWS::Budgets::Budget", {"Budget": Match.object_like({"BudgetLimit": {"Amount": 45.5, "Unit": "USD"}})})
    for i, bad in enumerate(("0", "-5", "twenty", "1e3")):
        with pytest.raises(ValueError, match="monthlyBudgetUsd must be a positive number"):
            ProvisionedConcurrencyAutoscalingStack(app_from_cdk_json(monthlyBudgetUsd=bad), f"Bad-{i}")


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: ProvisionedConcurrencyAutoscalingStack) -> None:
    with_email = ProvisionedConcurrencyAutoscalingStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
