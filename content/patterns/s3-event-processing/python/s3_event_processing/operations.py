"""The stack's alarm plumbing: one TLS-only topic, and alarms that fire on the first occurrence and notify it."""

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Operations:
    def __init__(self, scope: Construct) -> None:
        self._scope = scope
        self.topic = sns.Topic(scope, "AlarmTopic", display_name="S3 Event Processing alarms", enforce_ssl=True)
        email = scope.node.try_get_context("alarmEmail")
        if isinstance(email, str) and email.strip():
            Validations.of(self.topic.add_subscription(subscriptions.EmailSubscription(email.strip()))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(self.topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        self._notify = cw_actions.SnsAction(self.topic)

    def queue_not_empty(self, alarm_id: str, queue: sqs.IQueue, description: str) -> cloudwatch.Alarm:
        """A message waiting in a failure queue: something was not processed and someone has to look."""
        return self._at_least_once(
            alarm_id, queue.metric_approximate_number_of_messages_visible(statistic="Maximum", period=Duration.minutes(1)), description
        )

    def any_in_five_minutes(self, alarm_id: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
        """Any occurrence of a count metric (errors, failed or timed-out executions) in five minutes."""
        return self._at_least_once(alarm_id, metric, description)

    def _at_least_once(self, alarm_id: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self._scope,
            alarm_id,
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._notify)
        return alarm
