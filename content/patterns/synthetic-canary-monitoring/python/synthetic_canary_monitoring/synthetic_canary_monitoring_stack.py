"""A CloudWatch Synthetics canary runs a create-read-delete journey against an HTTP API and alarms when it fails."""

from __future__ import annotations

from typing import cast

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from .items_api import items_api
from .journey_canary import CANARY_RATE, journey_canary


class SyntheticCanaryMonitoringStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        service = items_api(self)
        monitor = journey_canary(self, api_url=service.api.api_endpoint)

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Synthetic canary monitoring alarms", enforce_ssl=True)
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

        # The outside-in signal: one run every five minutes, so each period holds one run's result.
        # Two failed periods out of three ride out a single network blip and still page within 15 minutes.
        # Missing periods are left out of the count rather than counted as failures, so the brand-new alarm does
        # not page before the canary's first runs; when runs stop altogether, the alarm goes to
        # INSUFFICIENT_DATA and says so on the same topic, because a canary that stopped running watches nothing.
        canary_alarm = cloudwatch.Alarm(
            self,
            "JourneyCanaryFailingAlarm",
            metric=monitor.canary.metric_success_percent(statistic=cloudwatch.Stats.AVERAGE, period=CANARY_RATE),
            threshold=100,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=3,
            datapoints_to_alarm=2,
            treat_missing_data=cloudwatch.TreatMissingData.MISSING,
            alarm_description=(
                "ALARM: the create-read-delete journey failed in 2 of the last 3 runs; the failed step, its HTTP status and the "
                "response body are in the run report of the canary in CloudWatch Synthetics. INSUFFICIENT_DATA: the canary "
                "stopped running; start it again with aws synthetics start-canary."
            ),
        )
        canary_alarm.add_alarm_action(notify)
        canary_alarm.add_insufficient_data_action(notify)
        # The inside-out signals: the same failures seen by the API and the function, for any caller.
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=service.api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description='The items API answered 5xx. Search ItemsFunctionLogs for "item request failed" and ApiAccessLogs for the failing requests.',
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "ItemsFunctionErrorsAlarm",
            metric=service.fn.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The ItemsFunction failed (timeout, crash or bad deploy). Check ItemsFunctionLogs and roll back a bad deploy.",
        ).add_alarm_action(notify)

        CfnOutput(self, "ApiUrl", value=service.api.api_endpoint, description="POST /items, then GET or DELETE /items/{id}.")
        CfnOutput(self, "TableName", value=service.table.table_name)
        CfnOutput(self, "CanaryName", value=monitor.canary_name, description="Stop it with: aws synthetics stop-canary --name <this>")
        CfnOutput(self, "ArtifactsBucketName", value=monitor.bucket.bucket_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        # --- cdk-nag findings this design accepts, each with its reason. ---
        Validations.of(service.api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason=(
                    "The items API is a public demo endpoint the canary calls without credentials; add a JWT or IAM authorizer "
                    "before real use, and give the canary a token."
                ),
            )
        )
        Validations.of(service.fn).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(service.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        bucket_arn = f"<{self.get_logical_id(cast(s3.CfnBucket, monitor.bucket.node.default_child))}.Arn>"
        Validations.of(monitor.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "Synthetics requires s3:ListAllMyBuckets, which has no narrower resource, and cloudwatch:PutMetricData, "
                    "which is limited here to the CloudWatchSynthetics namespace by condition."
                ),
            ),
            Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::{bucket_arn}/*]",
                reason="Synthetics picks the object keys of each run (canary name, date, run id); the wildcard covers only this artifacts bucket.",
            ),
            Acknowledgment(
                id=(
                    "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
                    f"/aws/lambda/cwsyn-{monitor.canary_name}-*]"
                ),
                reason="Synthetics names the canary function cwsyn-<canary name>-<id> at creation; the wildcard covers only this canary's log group.",
            ),
            Acknowledgment(
                id="Serverless-LambdaStarPermissions",
                reason=(
                    "The wildcards are the three above: ListAllMyBuckets and namespace-bound PutMetricData on *, objects in this "
                    "bucket, and this canary's log group."
                ),
            ),
        )
        Validations.of(monitor.bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions-S1",
                reason=(
                    "Only the canary writes here and every run is already recorded in its own logs and metrics; server access "
                    "logs would need a second bucket."
                ),
            )
        )
