"""One stack's alarm plumbing.

CloudWatch alarms can only notify a topic in their own Region, so every stack gets its own
AlarmTopic; subscribe the same address to all three with `-c alarmEmail=you@example.com`.
"""

from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions


class Operations:
    def __init__(self, stack: Stack, display_name: str) -> None:
        self._stack = stack
        # The project's operability check looks for the id AlarmTopic at stack level.
        self.topic = sns.Topic(stack, "AlarmTopic", display_name=display_name, enforce_ssl=True)
        email = stack.node.try_get_context("alarmEmail")
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
        self._action = cw_actions.SnsAction(self.topic)

    def alarm(self, construct_id: str, **props: Any) -> cloudwatch.Alarm:
        """An alarm that notifies this stack's topic."""
        alarm = cloudwatch.Alarm(self._stack, construct_id, **props)
        alarm.add_alarm_action(self._action)
        return alarm
