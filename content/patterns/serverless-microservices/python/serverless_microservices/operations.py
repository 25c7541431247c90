"""The stack's operations plumbing: one alarm topic and a way to add alarms that notify it.

Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed to you.
"""

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FIVE_MINUTE_SUM = {"statistic": "Sum", "period": Duration.minutes(5)}
ONE_MINUTE_MAX = {"statistic": "Maximum", "period": Duration.minutes(1)}


class Operations(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        # The construct id the project's operability check looks for is AlarmTopic, at stack level.
        self.topic = sns.Topic(scope, "AlarmTopic", display_name="Serverless microservices alarms", enforce_ssl=True)
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
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key "
                    "would cost $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        self._action = cw_actions.SnsAction(self.topic)

    def alarm_on_any(self, scope: Construct, construct_id: str, metric: cloudwatch.IMetric, alarm_description: str) -> cloudwatch.Alarm:
        """An alarm in the given scope (a service keeps its own alarms) that fires on one occurrence."""
        alarm = cloudwatch.Alarm(
            scope,
            construct_id,
            alarm_description=alarm_description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        return alarm
