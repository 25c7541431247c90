import json
import re
from typing import Any, Optional

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from tests.cdk_app import app_from_cdk_json
from the_cloudwatch_dashboard.service_monitoring import DATAPOINTS_TO_ALARM, EVALUATION_PERIODS, PERIOD, THRESHOLDS
from the_cloudwatch_dashboard.the_cloudwatch_dashboard_stack import TheCloudwatchDashboardStack

Json = dict[str, Any]


@pytest.fixture(scope="module")
def stack() -> TheCloudwatchDashboardStack:
    return TheCloudwatchDashboardStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheCloudwatchDashboardStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def alarms(template: Template) -> dict[str, Json]:
    return template.find_resources("AWS::CloudWatch::Alarm")


def logical_id(template: Template, resource_type: str) -> str:
    ids = list(template.find_resources(resource_type))
    assert len(ids) == 1, f"expected one {resource_type}"
    return ids[0]


def alarm(alarms: dict[str, Json], name: str) -> Json:
    found = [a for i, a in alarms.items() if i.startswith(f"MonitoringAlarms{name}")]
    assert len(found) == 1, f"expected one alarm named {name}"
    return found[0]["Properties"]


def stat_of(props: Json, metric_name: str) -> Optional[Json]:
    return next((m["MetricStat"] for m in props["Metrics"] if m.get("MetricStat", {}).get("Metric", {}).get("MetricName") == metric_name), None)


def single(props: Json) -> Json:
    """A single-metric alarm, whichever of CloudWatch's two shapes CDK chose for it."""
    if props.get("Metrics"):
        stat = props["Metrics"][0]["MetricStat"]
        metric = stat["Metric"]
        return {"name": metric["MetricName"], "namespace": metric["Namespace"], "stat": stat["Stat"], "dimensions": metric.get("Dimensions")}
    return {
        "name": props["MetricName"],
        "namespace": props["Namespace"],
        "stat": props.get("ExtendedStatistic", props.get("Statistic")),
        "dimensions": props.get("Dimensions"),
    }


def dashboard_body(template: Template) -> Json:
    """The dashboard body with every reference written as `<LogicalId>`, parsed back into JSON."""
    dashboard = next(iter(template.find_resources("AWS::CloudWatch::Dashboard").values()))
    parts = dashboard["Properties"]["DashboardBody"]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else f"<{p['Ref'] if 'Ref' in p else '.'.join(p['Fn::GetAtt'])}>" for p in parts)
    return json.loads(text)


def test_keeps_the_watched_service_intact_http_api_to_function_to_table(template: Template) -> None:
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": "$default"})
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        {"IntegrationType": "AWS_PROXY", "IntegrationUri": {"Fn::GetAtt": [Match.string_like_regexp("^HitCounter"), "Arn"]}},
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Runtime": "python3.13",
            "Architectures": ["arm64"],
            "Handler": "hit_counter.handler",
            "Timeout": 5,
            "Environment": {"Variables": {"HITS_TABLE_NAME": {"Ref": Match.string_like_regexp("^Hits")}}},
        },
    )
    template.has_resource_properties("AWS::DynamoDB::GlobalTable", {"KeySchema": [{"AttributeName": "path", "KeyType": "HASH"}]})


def test_lets_the_function_do_nothing_to_the_table_but_update_item(template: Template) -> None:
    actions = [
        action
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        if action.startswith("dynamodb:")
    ]
    assert actions == ["dynamodb:UpdateItem"]
    template.has_resource_properties("AWS::IAM::Role", {"ManagedPolicyArns": Match.absent()})


def test_writes_access_logs_whose_status_and_latency_are_numbers(template: Template) -> None:
    stage = next(iter(template.find_resources("AWS::ApiGatewayV2::Stage").values()))["Properties"]
    assert stage["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100}
    sample = re.sub(r"\$context\.status|\$context\.responseLatency", "42", stage["AccessLogSettings"]["Format"])
    sample = re.sub(r"\$context\.[\w.]+", "x", sample)
    assert json.loads(sample) == {"requestId": "x", "ip": "x", "method": "x", "path": "x", "status": 42, "latencyMs": 42}


def test_creates_eight_alarms_all_notifying_the_topic_on_alarm_and_on_ok(template: Template, alarms: dict[str, Json]) -> None:
    topic = logical_id(template, "AWS::SNS::Topic")
    assert len(alarms) == 8
    for resource in alarms.values():
        p = resource["Properties"]
        assert p["AlarmActions"] == [{"Ref": topic}]
        assert p["OKActions"] == [{"Ref": topic}]
        assert p["TreatMissingData"] == "notBreaching"
        assert p["EvaluationPeriods"] == EVALUATION_PERIODS
        assert p["DatapointsToAlarm"] == DATAPOINTS_TO_ALARM
        assert p["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert [EVALUATION_PERIODS, DATAPOINTS_TO_ALARM, PERIOD.to_seconds()] == [5, 3, 60]


def test_alarms_on_api_error_rates_as_percentages_of_requests(alarms: dict[str, Json]) -> None:
    for name, metric, threshold in (("ApiServerErrors", "5xx", 1), ("ApiClientErrors", "4xx", 10)):
        p = alarm(alarms, name)
        assert p["Threshold"] == threshold
        expression = next(m for m in p["Metrics"] if m.get("Expression"))
        assert re.fullmatch(r"IF\(\w+Total > 0, 100 \* \w+Errors / \w+Total, 0\)", expression["Expression"])
        assert stat_of(p, metric)["Metric"]["Namespace"] == "AWS/ApiGateway"
        assert stat_of(p, "Count")["Stat"] == "Sum"
        assert stat_of(p, metric)["Period"] == 60
    assert THRESHOLDS["api_server_error_percent"] == 1


def test_alarms_on_p99_latency_of_the_api_and_the_function(alarms: dict[str, Json]) -> None:
    api = alarm(alarms, "ApiLatencyP99")
    assert {**single(api), "dimensions": None, "threshold": api["Threshold"]} == {
        "name": "Latency",
        "namespace": "AWS/ApiGateway",
        "stat": "p99",
        "dimensions": None,
        "threshold": 1000,
    }
    fn = alarm(alarms, "FunctionDurationP99")
    assert {**single(fn), "dimensions": None, "threshold": fn["Threshold"]} == {
        "name": "Duration",
        "namespace": "AWS/Lambda",
        "stat": "p99",
        "dimensions": None,
        "threshold": 4000,
    }
    # The duration alarm must fire before the 5 s timeout is reached.
    assert fn["Threshold"] < 5000


def test_alarms_on_function_errors_and_throttles(alarms: dict[str, Json]) -> None:
    errors = alarm(alarms, "FunctionErrors")
    assert errors["Threshold"] == 1
    assert stat_of(errors, "Errors")["Metric"]["Namespace"] == "AWS/Lambda"
    assert stat_of(errors, "Invocations")["Stat"] == "Sum"
    throttles = alarm(alarms, "FunctionThrottles")
    assert [single(throttles)["name"], single(throttles)["stat"], throttles["Threshold"]] == ["Throttles", "Sum", 1]


def test_alarms_on_dynamodb_throttles_and_system_errors_for_update_item_on_the_hits_table(
    template: Template, alarms: dict[str, Json]
) -> None:
    hits = logical_id(template, "AWS::DynamoDB::GlobalTable")
    metric = single(alarm(alarms, "TableThrottles"))
    assert metric["name"] == "ThrottledRequests"
    assert any(d["Name"] == "TableName" and d["Value"] == {"Ref": hits} for d in metric["dimensions"])
    assert any(d["Name"] == "Operation" and d["Value"] == "UpdateItem" for d in metric["dimensions"])
    system_errors = alarm(alarms, "TableSystemErrors")
    assert stat_of(system_errors, "SystemErrors")["Metric"]["Namespace"] == "AWS/DynamoDB"
    assert system_errors["Threshold"] == 1


def test_builds_a_dashboard_covering_api_function_table_alarms_and_logs(template: Template) -> None:
    widgets = dashboard_body(template)["widgets"]
    metrics = [m for w in widgets if w["type"] == "metric" for m in w["properties"]["metrics"]]

    def has(namespace: str, name: str, stat: Optional[str] = None) -> bool:
        return any(m[0] == namespace and m[1] == name and (stat is None or m[-1].get("stat") == stat) for m in metrics)

    for p in ("p50", "p90", "p99"):
        assert has("AWS/ApiGateway", "Latency", p), f"API latency {p}"
        assert has("AWS/Lambda", "Duration", p), f"function duration {p}"
    for name in ("Count", "4xx", "5xx"):
        assert has("AWS/ApiGateway", name), name
    for name in ("Invocations", "Errors", "Throttles", "ConcurrentExecutions"):
        assert has("AWS/Lambda", name), name
    for name in ("ConsumedWriteCapacityUnits", "SuccessfulRequestLatency", "ThrottledRequests", "SystemErrors"):
        assert has("AWS/DynamoDB", name), name

    alarm_widget = next(w for w in widgets if w["type"] == "alarm")
    assert len(alarm_widget["properties"]["alarms"]) == 8

    log_widgets = [w for w in widgets if w["type"] == "log"]
    assert len(log_widgets) == 2
    assert any('filter level = "ERROR"' in w["properties"]["query"] for w in log_widgets)
    assert any("sort latencyMs desc" in w["properties"]["query"] for w in log_widgets)


def test_enforces_tls_on_the_alarm_topic_and_subscribes_no_one_unless_asked(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {
                    "Statement": Match.array_with(
                        [Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                    )
                }
            )
        },
    )
    template.resource_count_is("AWS::SNS::Subscription", 0)


def test_subscribes_an_email_address_given_as_the_alarm_email_context_value() -> None:
    with_email = Template.from_stack(TheCloudwatchDashboardStack(app_from_cdk_json(alarmEmail="oncall@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "oncall@example.com"})


def test_passes_the_awssolutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheCloudwatchDashboardStack) -> None:
    with_email = TheCloudwatchDashboardStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
