"""The stack's alarm topic and the alarms that notify it."""

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FIVE_MINUTES = Duration.minutes(5)


def create_alarm_topic(scope: Construct, display_name: str) -> sns.Topic:
    """The stack's one alarm topic, with an e-mail subscription when the `alarmEmail` context value is set."""
    topic = sns.Topic(scope, "AlarmTopic", display_name=display_name, enforce_ssl=True)
    alarm_email = scope.node.try_get_context("alarmEmail")
    if isinstance(alarm_email, str) and alarm_email:
        Validations.of(topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
            Acknowledgment(
                id="Serverless-SNSRedrivePolicy",
                reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
            )
        )
    Validations.of(topic).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SNS2",
            reason=(
                "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                "costs $1 a month, and alarm notifications carry only alarm names and states."
            ),
        )
    )
    return topic


def alarm_on_sum(
    scope: Construct, construct_id: str, topic: sns.Topic, metric: cloudwatch.IMetric, threshold: float, description: str
) -> cloudwatch.Alarm:
    """An alarm that fires when the five-minute sum of a metric reaches `threshold`, and tells the topic."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        metric=metric,
        threshold=threshold,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm
