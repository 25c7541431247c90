"""THE FIX: the same report over the same data, run by a Standard Step Functions workflow.

The .sync Athena integration waits for the query, so no code is billed while it runs and the wait is
bounded by Athena's own query timeout rather than by Lambda's fifteen minutes.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from anti_synchronous_waiting.report_data import ReportData
from anti_synchronous_waiting.report_workflow import report_workflow


class ReportWorkflowStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]

        reports = ReportData(self, "Reports")
        workflow = report_workflow(self, reports)

        # Operations: a failed or stuck report is the only thing that needs a person.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Report workflow alarms", enforce_ssl=True)
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
                reason="CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states.",
            )
        )
        notify = actions.SnsAction(alarm_topic)

        def alarm(alarm_id: str, metric: cloudwatch.Metric, description: str) -> None:
            cloudwatch.Alarm(
                self,
                alarm_id,
                metric=metric,
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            ).add_alarm_action(notify)

        every_five_minutes = {"statistic": cloudwatch.Stats.SUM, "period": Duration.minutes(5)}
        alarm(
            "ReportWorkflowFailedAlarm",
            workflow.metric_failed(**every_five_minutes),  # type: ignore[arg-type]
            "A report run failed: the query failed or was cancelled (bad SQL, missing data, the 1 GiB scan cutoff) or its rows could not be read. Open the failed execution and read the error and cause.",
        )
        alarm(
            "ReportWorkflowTimedOutAlarm",
            workflow.metric_timed_out(**every_five_minutes),  # type: ignore[arg-type]
            "A report run hit its 40-minute limit: the query ran longer than 30 minutes. Check the query in the Athena console before raising the limits.",
        )

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ReportWorkflowArn", value=workflow.state_machine_arn)
        CfnOutput(self, "OrdersBucketName", value=reports.orders.bucket_name)
