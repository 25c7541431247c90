import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from functions.telemetry import DEFAULT_SERVICE_NAME, METRICS_NAMESPACE
from powertools_observability.order_monitoring import BusinessHours, Thresholds
from powertools_observability.powertools_observability_stack import DEBUG_SAMPLE_RATE, LOG_LEVEL, PowertoolsObservabilityStack
from tests.cdk_app import app_from_cdk_json
from tests.handler_setup import VALID_ORDER, LambdaContext, RecordingTrace, emf_lines, json_lines, new_execution_environment, request


@pytest.fixture(scope="module")
def stack() -> PowertoolsObservabilityStack:
    return PowertoolsObservabilityStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: PowertoolsObservabilityStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def function_id(template: Template) -> str:
    return next(iter(template.find_resources("AWS::Lambda::Function")))


@pytest.fixture(scope="module")
def env(template: Template) -> dict[str, Any]:
    return next(iter(template.find_resources("AWS::Lambda::Function").values()))["Properties"]["Environment"]["Variables"]


def alarms(template: Template) -> list[dict[str, Any]]:
    return [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]


def dashboard_body(template: Template, function_id: str) -> dict[str, Any]:
    """Dashboard JSON with the function name as <function> and any other token as <token>."""
    body = next(iter(template.find_resources("AWS::CloudWatch::Dashboard").values()))["Properties"]["DashboardBody"]
    parts = body["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else "<function>" if p == {"Ref": function_id} else "<token>" for p in parts)
    return json.loads(text)


def referenced_metrics(template: Template, function_id: str) -> set[str]:
    """namespace|metric|dimension=value,... for every metric of our namespace the alarms and dashboard read."""
    keys: set[str] = set()

    def add(namespace: str, name: str, dims: list[tuple[str, Any]]) -> None:
        if namespace == METRICS_NAMESPACE:
            values = ",".join(sorted(f"{k}={'<function>' if v == {'Ref': function_id} else v}" for k, v in dims))
            keys.add(f"{namespace}|{name}|{values}")

    for alarm in alarms(template):
        stats = [m["MetricStat"]["Metric"] for m in alarm["Metrics"] if "MetricStat" in m] if "Metrics" in alarm else [alarm]
        for m in stats:
            add(m["Namespace"], m["MetricName"], [(d["Name"], d["Value"]) for d in m.get("Dimensions", [])])
    for widget in dashboard_body(template, function_id)["widgets"]:
        for line in widget["properties"].get("metrics", []):
            if not isinstance(line[0], str):
                continue
            namespace, name, *rest = [x for x in line if isinstance(x, str)]
            add(namespace, name, list(zip(rest[::2], rest[1::2])))
    return keys


def test_configures_powertools_through_the_environment(env: dict[str, Any]) -> None:
    assert env["POWERTOOLS_SERVICE_NAME"] == DEFAULT_SERVICE_NAME
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == METRICS_NAMESPACE
    assert env["LOG_LEVEL"] == LOG_LEVEL == "INFO"
    assert env["POWERTOOLS_LOGGER_SAMPLE_RATE"] == str(DEBUG_SAMPLE_RATE)
    assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    renamed = Template.from_stack(PowertoolsObservabilityStack(app_from_cdk_json(serviceName="orders-staging"), "Renamed"))
    renamed.has_resource_properties(
        "AWS::Lambda::Function", {"Environment": {"Variables": Match.object_like({"POWERTOOLS_SERVICE_NAME": "orders-staging"})}}
    )


def test_runs_the_function_on_python_3_13_arm64_with_active_tracing(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {"Runtime": "python3.13", "Architectures": ["arm64"], "Handler": "place_order.handler", "TracingConfig": {"Mode": "Active"}},
    )


def test_the_metric_names_the_handler_emits_are_exactly_the_ones_the_dashboard_and_alarms_read(
    template: Template, function_id: str, env: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging
    import sys

    from aws_lambda_powertools import Logger, Metrics

    from place_order import StoredOrder, Telemetry, create_handler

    # Powertools configured the way Lambda will configure it: from the synthesized environment.
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", env["POWERTOOLS_METRICS_NAMESPACE"])
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", env["POWERTOOLS_SERVICE_NAME"])
    new_execution_environment()
    logging.Logger.manager.loggerDict.pop(env["POWERTOOLS_SERVICE_NAME"], None)
    failing = {"on": False}

    def save(_order: StoredOrder) -> None:
        if failing["on"]:
            raise RuntimeError("DynamoDB unavailable")

    handler = create_handler(save, Telemetry(logger=Logger(stream=sys.stdout), metrics=Metrics(), trace=RecordingTrace()))
    context = LambdaContext(function_name="<function>")
    handler(request(VALID_ORDER), context)
    handler(request({**VALID_ORDER, "paymentToken": "tok_declined"}), context)
    handler(request({}), context)
    failing["on"] = True
    handler(request(VALID_ORDER), context)

    emitted: set[str] = set()
    for line in emf_lines(json_lines(capsys.readouterr().out)):
        for directive in line["_aws"]["CloudWatchMetrics"]:
            dims = ",".join(sorted(f"{d}={line[d]}" for group in directive["Dimensions"] for d in group))
            emitted.update(f"{directive['Namespace']}|{m['Name']}|{dims}" for m in directive["Metrics"])
    assert len(emitted) == 6, emitted
    assert sorted(referenced_metrics(template, function_id)) == sorted(emitted)


def test_alarms_on_decline_rate_business_hours_silence_errors_5xx_and_latency_all_to_one_topic(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": Match.object_like(
                {"Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}
            )
        },
    )
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms(template))

    def by_expression(needle: str) -> dict[str, Any]:
        return next(a for a in alarms(template) if any(needle in m.get("Expression", "") for m in a["Metrics"]))

    decline = by_expression("100 * FILL(declined, 0)")
    assert decline["Threshold"] == Thresholds.DECLINE_RATE_PERCENT
    assert decline["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert (decline["EvaluationPeriods"], decline["DatapointsToAlarm"]) == (3, 2)
    assert re.search(rf">= {Thresholds.DECLINE_RATE_MIN_ATTEMPTS},", decline["Metrics"][0]["Expression"])

    silence = by_expression("HOUR(filled)")
    assert silence["Metrics"][0]["Expression"] == (
        f"IF(DAY(filled) <= {BusinessHours.WEEKDAYS_THROUGH} AND HOUR(filled) >= {BusinessHours.FROM_HOUR_UTC} "
        f"AND HOUR(filled) < {BusinessHours.TO_HOUR_UTC}, filled, 1)"
    )
    assert silence["ComparisonOperator"] == "LessThanThreshold"
    assert silence["Threshold"] == 1
    assert next(m for m in silence["Metrics"] if "MetricStat" in m)["MetricStat"]["Period"] == 1800
    assert silence["TreatMissingData"] == "notBreaching"

    # Single-metric alarms: CDK renders a labelled metric as a one-entry Metrics list.
    plain = sorted(
        (
            a["Metrics"][0]["MetricStat"]["Metric"]["Namespace"],
            a["Metrics"][0]["MetricStat"]["Metric"]["MetricName"],
            a["Metrics"][0]["MetricStat"]["Stat"],
            a["Threshold"],
            a["ComparisonOperator"],
        )
        for a in alarms(template)
        if len(a["Metrics"]) == 1
    )
    assert plain == [
        ("AWS/ApiGateway", "5xx", "Sum", 1, "GreaterThanOrEqualToThreshold"),
        ("AWS/ApiGateway", "Latency", "p99", Thresholds.API_LATENCY_P99_MS, "GreaterThanOrEqualToThreshold"),
        ("AWS/Lambda", "Errors", "Sum", 1, "GreaterThanOrEqualToThreshold"),
    ]
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(PowertoolsObservabilityStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_puts_business_api_lambda_and_logs_insights_widgets_on_one_dashboard(template: Template, function_id: str) -> None:
    widgets = dashboard_body(template, function_id)["widgets"]
    assert [w["properties"]["title"] for w in widgets if "title" in w["properties"]] == [
        "Alarms",
        "Order outcomes per 5 minutes",
        "Order value per 5 minutes",
        "Payment decline rate (%)",
        "API requests and errors",
        "API latency (ms)",
        "Function errors, throttles, cold starts",
        "Latest warnings and errors",
    ]
    log_widget = next(w for w in widgets if w["type"] == "log")
    assert "correlation_id" in log_widget["properties"]["query"]
    assert '"WARN", "WARNING", "ERROR"' in log_widget["properties"]["query"]
    assert len(next(w for w in widgets if w["type"] == "alarm")["properties"]["alarms"]) == 5


def test_saves_the_logs_insights_queries_the_page_uses_on_the_function_log_group(template: Template) -> None:
    queries = [q["Properties"] for q in template.find_resources("AWS::Logs::QueryDefinition").values()]
    log_group = next(i for i in template.find_resources("AWS::Logs::LogGroup") if i.startswith("PlaceOrderLogs"))
    assert sorted(q["Name"] for q in queries) == [
        f"Under-Test/{n}" for n in ("cold starts per hour", "declines by reason", "errors", "one request by correlation id")
    ]
    assert all(q["LogGroupNames"] == [{"Ref": log_group}] for q in queries)
    by_name = {q["Name"].split("/", 1)[1]: q["QueryString"] for q in queries}
    assert "filter correlation_id = " in by_name["one request by correlation id"]
    assert 'filter level = "ERROR"' in by_name["errors"]
    assert re.search(r'filter outcome = "declined"[\s\S]*stats count\(\*\) as declines by reason', by_name["declines by reason"])
    assert "by cold_start, bin(1h)" in by_name["cold starts per hour"]


def test_function_may_only_put_items_in_the_orders_table_and_has_no_put_metric_data(template: Template) -> None:
    statements = [s for p in template.find_resources("AWS::IAM::Policy").values() for s in p["Properties"]["PolicyDocument"]["Statement"]]
    actions = sorted(a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))
    assert actions == ["dynamodb:PutItem", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    assert not any(a.startswith("cloudwatch:") for a in actions)
    table = next(iter(template.find_resources("AWS::DynamoDB::GlobalTable")))
    assert next(s for s in statements if s["Action"] == "dynamodb:PutItem")["Resource"] == {"Fn::GetAtt": [table, "Arn"]}
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like({"Statement": [Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})]}),
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_keeps_function_and_access_logs_for_one_month_in_their_own_log_groups(template: Template) -> None:
    groups = template.find_resources("AWS::Logs::LogGroup")
    assert len(groups) == 2
    assert all(g["Properties"]["RetentionInDays"] == 30 for g in groups.values())
    function_logs = next(i for i in groups if i.startswith("PlaceOrderLogs"))
    template.has_resource_properties("AWS::Lambda::Function", {"LoggingConfig": {"LogGroup": {"Ref": function_logs}}})


def test_routes_only_post_orders_to_the_function_throttles_and_logs_the_stage(template: Template) -> None:
    assert [r["Properties"]["RouteKey"] for r in template.find_resources("AWS::ApiGatewayV2::Route").values()] == ["POST /orders"]
    template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {
            "StageName": "$default",
            "DefaultRouteSettings": {"ThrottlingBurstLimit": 50, "ThrottlingRateLimit": 100},
            "AccessLogSettings": Match.object_like({"Format": Match.string_like_regexp("context.requestId")}),
        },
    )


def test_keys_orders_by_order_id_on_demand_with_point_in_time_recovery(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "orderId", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_bundles_the_same_asset_on_every_synth(template: Template) -> None:
    again = Template.from_stack(PowertoolsObservabilityStack(app_from_cdk_json(), "Under-Test-Again"))

    def code(t: Template) -> Any:
        return next(iter(t.find_resources("AWS::Lambda::Function").values()))["Properties"]["Code"]["S3Key"]

    assert code(template) == code(again)


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: PowertoolsObservabilityStack) -> None:
    with_email = PowertoolsObservabilityStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
