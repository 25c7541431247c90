"""Alarms, a dashboard and saved Logs Insights queries built on what the order handler writes.

The handler writes business metrics in embedded metric format and JSON log lines; API Gateway and
Lambda publish their own metrics. Every name comes from functions/telemetry.py, shared with the handler.
"""

from typing import Any, Optional

from aws_cdk import Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from functions.telemetry import COLD_START_METRIC, FUNCTION_NAME_DIMENSION, METRICS_NAMESPACE, SERVICE_DIMENSION, LogKey, OrderMetric


class Thresholds:
    """Every alarm threshold in one place, so the page, the tests and the stack agree."""

    DECLINE_RATE_PERCENT = 20  # percent of payment attempts declined in five minutes
    DECLINE_RATE_MIN_ATTEMPTS = 10  # below this many attempts in five minutes a rate means little
    MIN_ORDERS_PER_WINDOW = 1  # fewer placed orders in a 30-minute business-hours window is an outage
    API_LATENCY_P99_MS = 1000


class BusinessHours:
    """When a shop with steady daytime trade should never go 30 minutes without an order. UTC."""

    WEEKDAYS_THROUGH = 5
    FROM_HOUR_UTC = 9
    TO_HOUR_UTC = 17


class OrderMonitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        api: apigwv2.HttpApi,
        fn: lambda_.IFunction,
        function_logs: logs.ILogGroup,
        topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cloudwatch.Alarm] = []
        five_minutes = Duration.minutes(5)
        thirty_minutes = Duration.minutes(30)

        def business(metric_name: str, statistic: str, label: str, period: Duration = five_minutes) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=METRICS_NAMESPACE,
                metric_name=metric_name,
                dimensions_map={SERVICE_DIMENSION: service_name},
                statistic=statistic,
                period=period,
                label=label,
            )

        placed = business(OrderMetric.PLACED, cloudwatch.Stats.SUM, "Placed")
        declined = business(OrderMetric.DECLINED, cloudwatch.Stats.SUM, "Declined")
        rejected = business(OrderMetric.REJECTED, cloudwatch.Stats.SUM, "Rejected (400)")
        failed = business(OrderMetric.FAILED, cloudwatch.Stats.SUM, "Failed (500)")
        revenue = business(OrderMetric.VALUE, cloudwatch.Stats.SUM, "Order value")
        average_order = business(OrderMetric.VALUE, cloudwatch.Stats.AVERAGE, "Average order")
        cold_starts = cloudwatch.Metric(
            namespace=METRICS_NAMESPACE,
            metric_name=COLD_START_METRIC,
            dimensions_map={SERVICE_DIMENSION: service_name, FUNCTION_NAME_DIMENSION: fn.function_name},
            statistic=cloudwatch.Stats.SUM,
            period=five_minutes,
            label="Cold starts",
        )

        # Periods without attempts publish nothing; FILL turns them into zeros so the rate is defined.
        decline_rate = cloudwatch.MathExpression(
            expression=(
                f"IF(FILL(placed, 0) + FILL(declined, 0) >= {Thresholds.DECLINE_RATE_MIN_ATTEMPTS}, "
                "100 * FILL(declined, 0) / (FILL(placed, 0) + FILL(declined, 0)), 0)"
            ),
            using_metrics={"placed": placed, "declined": declined},
            period=five_minutes,
            label="Decline rate %",
        )
        # Zero orders only matter while customers are expected: outside the window the series reads 1.
        placed_in_window = business(OrderMetric.PLACED, cloudwatch.Stats.SUM, "Placed", thirty_minutes)
        filled_placed = cloudwatch.MathExpression(expression="FILL(orders, 0)", using_metrics={"orders": placed_in_window}, period=thirty_minutes)
        placed_during_business_hours = cloudwatch.MathExpression(
            expression=(
                f"IF(DAY(filled) <= {BusinessHours.WEEKDAYS_THROUGH} AND HOUR(filled) >= {BusinessHours.FROM_HOUR_UTC} "
                f"AND HOUR(filled) < {BusinessHours.TO_HOUR_UTC}, filled, {Thresholds.MIN_ORDERS_PER_WINDOW})"
            ),
            using_metrics={"filled": filled_placed},
            period=thirty_minutes,
            label="Orders placed in business hours",
        )

        api_requests = api.metric_count(period=five_minutes, statistic=cloudwatch.Stats.SUM, label="Requests")
        api_4xx = api.metric_client_error(period=five_minutes, statistic=cloudwatch.Stats.SUM, label="4xx")
        api_5xx = api.metric_server_error(period=five_minutes, statistic=cloudwatch.Stats.SUM, label="5xx")

        def api_latency(p: str) -> cloudwatch.Metric:
            return api.metric_latency(period=five_minutes, statistic=p, label=f"Latency {p}")

        fn_errors = fn.metric_errors(period=five_minutes, statistic=cloudwatch.Stats.SUM, label="Errors")
        fn_throttles = fn.metric_throttles(period=five_minutes, statistic=cloudwatch.Stats.SUM, label="Throttles")
        fn_duration_p99 = fn.metric_duration(period=five_minutes, statistic="p99", label="Duration p99")

        # --- Alarms: two on the business, three on the machinery. All notify the one alarm topic. ---
        notify = cw_actions.SnsAction(topic)

        def alarm(alarm_id: str, metric: cloudwatch.IMetric, threshold: float, operator: cloudwatch.ComparisonOperator, description: str,
                  evaluation_periods: int = 1, datapoints_to_alarm: Optional[int] = None) -> None:
            created = cloudwatch.Alarm(
                self,
                alarm_id,
                metric=metric,
                threshold=threshold,
                comparison_operator=operator,
                evaluation_periods=evaluation_periods,
                datapoints_to_alarm=datapoints_to_alarm,
                # Before the first order the business metrics do not exist yet; stay quiet until there is one.
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            )
            created.add_alarm_action(notify)
            self.alarms.append(created)

        at_least = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
        alarm(
            "PaymentDeclineRateAlarm",
            decline_rate,
            Thresholds.DECLINE_RATE_PERCENT,
            at_least,
            "A fifth or more of payment attempts were declined in two of the last three 5-minute periods. Suspect the payment "
            'provider or a fraud rule before customers: run the "declines by reason" saved query.',
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        alarm(
            "NoOrdersAlarm",
            placed_during_business_hours,
            Thresholds.MIN_ORDERS_PER_WINDOW,
            cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            f"No order was placed in 30 minutes on a weekday between {BusinessHours.FROM_HOUR_UTC}:00 and {BusinessHours.TO_HOUR_UTC}:00 UTC. "
            "Check the API 5xx and rejected-order graphs, then the checkout front end.",
        )
        alarm(
            "FunctionErrorsAlarm",
            fn_errors,
            1,
            at_least,
            'The PlaceOrder function crashed or timed out. Run the "errors" saved query and follow xray_trace_id into X-Ray.',
        )
        alarm(
            "ApiServerErrorsAlarm",
            api_5xx,
            1,
            at_least,
            'The order API answered 5xx: an order could not be saved, or the function failed. Run the "errors" saved query.',
        )
        alarm(
            "ApiLatencyP99Alarm",
            api_latency("p99"),
            Thresholds.API_LATENCY_P99_MS,
            at_least,
            "The slowest 1% of order requests took a second or more. Compare cold starts and the save order subsegment in X-Ray.",
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )

        # --- Saved Logs Insights queries, listed under the stack's name in the console. ---
        prefix = Stack.of(self).stack_name

        def query(query_id: str, name: str, query_string: logs.QueryString) -> None:
            logs.QueryDefinition(self, query_id, query_definition_name=f"{prefix}/{name}", query_string=query_string, log_groups=[function_logs])

        query(
            "OneRequestQuery",
            "one request by correlation id",
            logs.QueryString(
                fields=["@timestamp", "level", "message", LogKey.OUTCOME, LogKey.ORDER_ID, LogKey.TRACE_ID],
                filter_statements=[f'{LogKey.CORRELATION_ID} = "paste-a-correlation-id"'],
                sort="@timestamp asc",
            ),
        )
        query(
            "ErrorsQuery",
            "errors",
            logs.QueryString(
                fields=["@timestamp", "message", "error.message", LogKey.CORRELATION_ID, LogKey.TRACE_ID],
                filter_statements=['level = "ERROR"'],
                sort="@timestamp desc",
                limit=50,
            ),
        )
        query(
            "DeclinesQuery",
            "declines by reason",
            logs.QueryString(filter_statements=[f'{LogKey.OUTCOME} = "declined"'], stats_statements=["count(*) as declines by reason, bin(15m)"]),
        )
        query(
            "ColdStartsQuery",
            "cold starts per hour",
            logs.QueryString(
                filter_statements=[f"ispresent({LogKey.OUTCOME})"],
                stats_statements=[f"count(*) as requests by {LogKey.COLD_START}, bin(1h)"],
            ),
        )

        # --- Dashboard: business first, then the machinery, then the logs. ---
        def graph(title: str, left: list[cloudwatch.IMetric], **options: Any) -> cloudwatch.GraphWidget:
            return cloudwatch.GraphWidget(title=title, left=left, width=8, height=6, **options)

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", default_interval=Duration.hours(6))
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown="\n\n".join(
                    [
                        f"# Orders ({service_name})",
                        f"Top row: what customers did, from the handler's embedded-metric-format lines in `{METRICS_NAMESPACE}`. "
                        "Middle row: API Gateway and Lambda. Bottom: the latest warnings and errors; paste a `correlation_id` into the "
                        '"one request" saved query to see everything one request logged.',
                    ]
                ),
                width=24,
                height=3,
            )
        )
        self.dashboard.add_widgets(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=24, height=3))
        self.dashboard.add_widgets(
            graph("Order outcomes per 5 minutes", [placed, declined, rejected, failed], stacked=True),
            graph("Order value per 5 minutes", [revenue], right=[average_order]),
            graph(
                "Payment decline rate (%)",
                [decline_rate],
                left_annotations=[cloudwatch.HorizontalAnnotation(value=Thresholds.DECLINE_RATE_PERCENT, label="alarm threshold")],
            ),
        )
        self.dashboard.add_widgets(
            graph("API requests and errors", [api_requests, api_4xx, api_5xx]),
            graph(
                "API latency (ms)",
                [api_latency(p) for p in ("p50", "p90", "p99")],
                left_annotations=[cloudwatch.HorizontalAnnotation(value=Thresholds.API_LATENCY_P99_MS, label="p99 alarm")],
            ),
            graph("Function errors, throttles, cold starts", [fn_errors, fn_throttles, cold_starts], right=[fn_duration_p99]),
        )
        self.dashboard.add_widgets(
            cloudwatch.LogQueryWidget(
                title="Latest warnings and errors",
                log_group_names=[function_logs.log_group_name],
                query_lines=[
                    f"fields @timestamp, level, message, {LogKey.OUTCOME}, {LogKey.CORRELATION_ID}, {LogKey.TRACE_ID}",
                    # Powertools for TypeScript writes WARN, Powertools for Python WARNING: match both.
                    'filter level in ["WARN", "WARNING", "ERROR"]',
                    "sort @timestamp desc",
                    "limit 25",
                ],
                width=24,
                height=6,
            )
        )
