"""Who is told when a saga stops moving: one alarm topic for the stack, and the alarms that notify it.

Deploy with `-c alarmEmail=you@example.com` to receive them by e-mail.
"""

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
        # Created at stack level: AlarmTopic is the id the catalog's operability check looks for.
        self.topic = sns.Topic(scope, "AlarmTopic", display_name="Choreography saga alarms", enforce_ssl=True)
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

    def _alarm(self, construct_id: str, description: str, metric: cloudwatch.IMetric) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self._stack_scope,
            construct_id,
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._notify)
        return alarm

    def queue_not_empty(self, construct_id: str, queue: sqs.IQueue, description: str) -> cloudwatch.Alarm:
        """One message in a dead-letter queue means one order whose saga stopped: someone has to look."""
        metric = queue.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1))
        return self._alarm(construct_id, description, metric)

    def function_errors(self, construct_id: str, fn: lambda_.IFunction, description: str) -> cloudwatch.Alarm:
        """Any failed invocation in five minutes; the retry may still succeed, but the first failure is worth knowing about."""
        return self._alarm(construct_id, description, fn.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)))
