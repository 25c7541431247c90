"""THE FIX: the same product lookup, with a package that holds only the handler's own source.

boto3 comes from the Python runtime, so nothing is installed into the package.
"""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from anti_large_deployment_packages.product_api import acknowledge_python_runtime, get_product_options, products_api, products_table

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# A cold start slower than this raises an alarm: the lean function initialises in a fraction of it.
INIT_DURATION_ALARM_MS = 1000


class LeanPackageStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        products = products_table(self)
        options = get_product_options(self, products)
        get_product = lambda_.Function(
            self,
            "GetProduct",
            **options,
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="get_product.handler",
            # Only the handler's source: boto3 is part of the runtime, and nothing else is imported.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        )
        acknowledge_python_runtime(get_product)
        api = products_api(self, get_product)

        # Operations: 5xx answers, function errors, and cold starts that got slow again.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Large Deployment Packages (fix) alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(alarm_topic)
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description='The products API answered 5xx. Search GetProductLogs for "product lookup failed" and the access log for the failing requests.',
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "GetProductErrorsAlarm",
            metric=get_product.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The GetProduct function failed (timeout, crash or bad deploy). Check GetProductLogs and roll back a bad deploy.",
        ).add_alarm_action(notify)

        # Lambda reports each cold start's Init duration in the JSON platform.report line it writes
        # to the function's log group; turn it into a metric so a package that grows back is noticed.
        init_duration = logs.MetricFilter(
            self,
            "GetProductInitDuration",
            log_group=options["log_group"],
            filter_pattern=logs.FilterPattern.literal('{ $.type = "platform.report" && $.record.metrics.initDurationMs > 0 }'),
            metric_namespace="LargeDeploymentPackages",
            metric_name="GetProductInitDuration",
            metric_value="$.record.metrics.initDurationMs",
            unit=cloudwatch.Unit.MILLISECONDS,
        )
        cloudwatch.Alarm(
            self,
            "GetProductSlowColdStartAlarm",
            metric=init_duration.metric(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(5)),
            threshold=INIT_DURATION_ALARM_MS,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"A GetProduct cold start spent more than {INIT_DURATION_ALARM_MS} ms in Init. Check the size of the deployed package "
                "(aws lambda get-function --query Configuration.CodeSize) and what the last deploy added to it."
            ),
        ).add_alarm_action(notify)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET /products/{productId} under this URL.")
        CfnOutput(self, "TableName", value=products.table_name)
