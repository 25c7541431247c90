"""Who hears about trouble: the stack's one alarm topic and the alarms that publish to it.

Pass `-c alarmEmail=you@example.com` at deploy time to get the notifications by e-mail.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Operations(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._stack_scope = scope
        # Created in the stack's scope: the catalog's operability check finds the topic by the id AlarmTopic.
        self.alarm_topic = sns.Topic(scope, "AlarmTopic", display_name="Idempotent Event Handler alarms", enforce_ssl=True)
        email = scope.node.try_get_context("alarmEmail")
        if isinstance(email, str) and email.strip():
            subscription = self.alarm_topic.add_subscription(subscriptions.EmailSubscription(email.strip()))
            Validations.of(subscription).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(self.alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        self._notify = cw_actions.SnsAction(self.alarm_topic)

    def when_queue_holds_messages(self, construct_id: str, queue: sqs.IQueue, description: str) -> cloudwatch.Alarm:
        """A dead-letter queue holding anything at all means a message was given up on."""
        metric = queue.metric_approximate_number_of_messages_visible(statistic="Maximum", period=Duration.minutes(1))
        return self._alarm(construct_id, metric, description)

    def when_function_errors(self, construct_id: str, fn: lambda_.IFunction, description: str) -> cloudwatch.Alarm:
        """Whole invocations failing: timeouts, crashes, a bad deploy. Per-record failures do not count here."""
        return self._alarm(construct_id, fn.metric_errors(statistic="Sum", period=Duration.minutes(5)), description)

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self._stack_scope,
            construct_id,
            metric=metric,
            alarm_description=description,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._notify)
        return alarm
