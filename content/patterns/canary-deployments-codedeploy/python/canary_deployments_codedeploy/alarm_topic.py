"""The stack's one alarm topic, with an e-mail copy when the `alarmEmail` context value is set."""

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


def create_alarm_topic(scope: Construct) -> sns.Topic:
    topic = sns.Topic(scope, "AlarmTopic", display_name="Canary deployments alarms", enforce_ssl=True)
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
