"""Alarms on the metrics API Gateway, Lambda and DynamoDB publish anyway, and a dashboard that shows them."""

from __future__ import annotations

from typing import Optional, Sequence

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

# The CloudWatch dimension value of the one operation the hit counter performs. (In Python the
# dynamodb.Operation enum's .value is its member name, not this string.)
UPDATE_ITEM = "UpdateItem"

# Every alarm threshold in one place, so the page, the tests and the stack agree.
THRESHOLDS = {
    "api_server_error_percent": 1,
    "api_client_error_percent": 10,
    "api_latency_p99_ms": 1000,
    "function_error_percent": 1,
    # 80% of the function's 5-second timeout: a warning before calls start timing out.
    "function_duration_p99_ms": 4000,
    # Any throttle at all is worth a look in a stack this small.
    "throttled_calls": 1,
    "system_errors": 1,
}

# One-minute periods; an alarm fires when 3 of the last 5 minutes breach.
PERIOD = Duration.minutes(1)
EVALUATION_PERIODS = 5
DATAPOINTS_TO_ALARM = 3


def percent_of(name: str, errors: cloudwatch.IMetric, requests: cloudwatch.IMetric, label: str) -> cloudwatch.MathExpression:
    """errors / requests as a percentage, and 0 (not "no data") for a minute without requests.

    `name` keeps the ids inside the expression unique when two rates share one graph.
    """
    return cloudwatch.MathExpression(
        expression=f"IF({name}Total > 0, 100 * {name}Errors / {name}Total, 0)",
        using_metrics={f"{name}Errors": errors, f"{name}Total": requests},
        period=PERIOD,
        label=label,
    )


def _marks(value: float, what: str = "alarm") -> list[cloudwatch.HorizontalAnnotation]:
    return [cloudwatch.HorizontalAnnotation(value=value, label=f"{what} threshold")]


def _line(
    title: str, left: Sequence[cloudwatch.IMetric], marks: Optional[list[cloudwatch.HorizontalAnnotation]] = None, width: int = 6
) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(title=title, left=list(left), width=width, height=6, left_annotations=marks or [])


class ServiceMonitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: apigwv2.HttpApi,
        fn: lambda_.IFunction,
        fn_timeout: Duration,
        table: dynamodb.TableV2,
        topic: sns.ITopic,
        access_logs: logs.ILogGroup,
        function_logs: logs.ILogGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cloudwatch.Alarm] = []
        period = PERIOD

        # --- Metrics: raw series first, then the rates built from them. ---

        requests = api.metric_count(period=period, statistic=cloudwatch.Stats.SUM, label="Requests")
        api4xx = api.metric_client_error(period=period, statistic=cloudwatch.Stats.SUM, label="4xx")
        api5xx = api.metric_server_error(period=period, statistic=cloudwatch.Stats.SUM, label="5xx")
        api4xx_rate = percent_of("api4xx", api4xx, requests, "4xx %")
        api5xx_rate = percent_of("api5xx", api5xx, requests, "5xx %")

        def api_latency(p: str) -> cloudwatch.Metric:
            return api.metric_latency(period=period, statistic=p, label=f"Latency {p}")

        def integration_latency(p: str) -> cloudwatch.Metric:
            return api.metric_integration_latency(period=period, statistic=p, label=f"Integration {p}")

        invocations = fn.metric_invocations(period=period, statistic=cloudwatch.Stats.SUM, label="Invocations")
        fn_errors = fn.metric_errors(period=period, statistic=cloudwatch.Stats.SUM, label="Errors")
        fn_error_rate = percent_of("fn", fn_errors, invocations, "Error %")
        fn_throttles = fn.metric_throttles(period=period, statistic=cloudwatch.Stats.SUM, label="Throttles")

        def fn_duration(p: str) -> cloudwatch.Metric:
            return fn.metric_duration(period=period, statistic=p, label=f"Duration {p}")

        fn_concurrency = fn.metric("ConcurrentExecutions", period=period, statistic=cloudwatch.Stats.MAXIMUM, label="Concurrent executions")

        write_units = table.metric_consumed_write_capacity_units(period=period, statistic=cloudwatch.Stats.SUM, label="Consumed WCU")

        def update_latency(statistic: str) -> cloudwatch.Metric:
            return table.metric_successful_request_latency(
                period=period,
                statistic=statistic,
                label=f"UpdateItem {statistic.lower()}",
                dimensions_map={"TableName": table.table_name, "Operation": UPDATE_ITEM},
            )

        table_throttles = table.metric_throttled_requests_for_operation(
            UPDATE_ITEM, period=period, label="Throttled UpdateItem"
        )
        table_system_errors = table.metric_system_errors_for_operations(
            operations=[dynamodb.Operation.UPDATE_ITEM], period=period, label="System errors"
        )
        table_user_errors = table.metric_user_errors(period=period, statistic=cloudwatch.Stats.SUM, label="User errors (whole account)")

        # --- Alarms: each notifies the topic when it fires and again when it recovers. ---

        alarm_scope = Construct(self, "Alarms")

        def alarm(alarm_id: str, metric: cloudwatch.IMetric, threshold: float, description: str) -> cloudwatch.Alarm:
            created = cloudwatch.Alarm(
                alarm_scope,
                alarm_id,
                metric=metric,
                threshold=threshold,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluation_periods=EVALUATION_PERIODS,
                datapoints_to_alarm=DATAPOINTS_TO_ALARM,
                # No traffic is not a failure; a quiet demo should stay green.
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(cw_actions.SnsAction(topic))
            created.add_ok_action(cw_actions.SnsAction(topic))
            self.alarms.append(created)
            return created

        alarm("ApiServerErrors", api5xx_rate, THRESHOLDS["api_server_error_percent"], "1% or more of API requests ended in a 5xx.")
        alarm("ApiClientErrors", api4xx_rate, THRESHOLDS["api_client_error_percent"], "10% or more of API requests were rejected with a 4xx.")
        alarm("ApiLatencyP99", api_latency("p99"), THRESHOLDS["api_latency_p99_ms"], "The slowest 1% of API requests took a second or longer.")
        alarm("FunctionErrors", fn_error_rate, THRESHOLDS["function_error_percent"], "1% or more of hit counter invocations failed.")
        alarm(
            "FunctionThrottles", fn_throttles, THRESHOLDS["throttled_calls"], "Lambda refused hit counter invocations for lack of concurrency."
        )
        alarm(
            "FunctionDurationP99",
            fn_duration("p99"),
            THRESHOLDS["function_duration_p99_ms"],
            f"The slowest 1% of hit counter invocations came within 20% of the {int(fn_timeout.to_seconds())}-second timeout.",
        )
        alarm("TableThrottles", table_throttles, THRESHOLDS["throttled_calls"], "DynamoDB throttled UpdateItem calls on the hits table.")
        alarm("TableSystemErrors", table_system_errors, THRESHOLDS["system_errors"], "DynamoDB answered UpdateItem calls with a 500.")

        # --- Dashboard: one row per layer, read from the caller's side inwards. ---

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", default_interval=Duration.hours(3))
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown="\n\n".join(
                    [
                        "# Hit counter service",
                        "Requests flow left to right: **HTTP API**, then the **HitCounter** function, then the **Hits** table.",
                        "Horizontal lines mark alarm thresholds; every alarm notifies the alarm topic when it fires and when it clears.",
                    ]
                ),
                width=24,
                height=3,
                # Stated outright: aws-cdk-lib 2.275 leaves the background unset, later versions make transparent the default.
                background=cloudwatch.TextWidgetBackground.TRANSPARENT,
            )
        )
        self.dashboard.add_widgets(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=24, height=3))
        percentiles = ("p50", "p90", "p99")
        self.dashboard.add_widgets(
            _line("API requests", [requests]),
            _line(
                "API error rates (%)",
                [api4xx_rate, api5xx_rate],
                _marks(THRESHOLDS["api_client_error_percent"], "4xx alarm") + _marks(THRESHOLDS["api_server_error_percent"], "5xx alarm"),
            ),
            _line("API latency (ms)", [api_latency(p) for p in percentiles], _marks(THRESHOLDS["api_latency_p99_ms"], "p99 alarm")),
            _line("Integration latency (ms)", [integration_latency(p) for p in percentiles]),
        )
        self.dashboard.add_widgets(
            _line("Function invocations", [invocations]),
            _line("Function errors", [fn_errors, fn_error_rate], _marks(THRESHOLDS["function_error_percent"], "error % alarm")),
            _line("Function duration (ms)", [fn_duration(p) for p in percentiles], _marks(THRESHOLDS["function_duration_p99_ms"], "p99 alarm")),
            _line("Throttles and concurrency", [fn_throttles, fn_concurrency], _marks(THRESHOLDS["throttled_calls"], "throttle alarm")),
        )
        self.dashboard.add_widgets(
            _line("Table write capacity consumed", [write_units], [], 8),
            _line("UpdateItem latency (ms)", [update_latency(cloudwatch.Stats.AVERAGE), update_latency(cloudwatch.Stats.MAXIMUM)], [], 8),
            _line(
                "Table throttles and errors",
                [table_throttles, table_system_errors, table_user_errors],
                _marks(THRESHOLDS["throttled_calls"]),
                8,
            ),
        )
        self.dashboard.add_widgets(
            cloudwatch.LogQueryWidget(
                title="Latest function errors",
                log_group_names=[function_logs.log_group_name],
                query_lines=['filter level = "ERROR"', "fields @timestamp, @requestId, message", "sort @timestamp desc", "limit 25"],
                width=12,
                height=6,
            ),
            cloudwatch.LogQueryWidget(
                title="Slowest requests (access log)",
                log_group_names=[access_logs.log_group_name],
                query_lines=["fields @timestamp, method, path, status, latencyMs", "sort latencyMs desc", "limit 20"],
                width=12,
                height=6,
            ),
        )
