"""The stack's one alarm topic and the alarms that notify it."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .settings import ALARM_ITERATOR_AGE_MINUTES, MAX_RECORD_AGE_HOURS


def alarm_topic(scope: Construct) -> sns.Topic:
    """One topic, with an e-mail subscription when `-c alarmEmail=...` is given."""
    topic = sns.Topic(scope, "AlarmTopic", display_name="Kinesis Stream Processing alarms", enforce_ssl=True)
    email = scope.node.try_get_context("alarmEmail")
    if isinstance(email, str) and email:
        Validations.of(topic.add_subscription(subscriptions.EmailSubscription(email))).acknowledge(
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


def failed_batches_alarm(scope: Construct, queue: sqs.IQueue, topic: sns.Topic) -> cloudwatch.Alarm:
    """A pointer in the failure queue means records were given up on: someone must replay them within the stream's retention."""
    alarm = cloudwatch.Alarm(
        scope,
        "FailedBatchesAlarm",
        metric=queue.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=(
            "A consumer gave up on stream records and sent a pointer to FailedBatches. Read the message for the function, shard "
            "and sequence range, replay those records from the stream within 24 hours, then delete the message."
        ),
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm


def consumer_alarms(scope: Construct, construct_id: str, fn: lambda_.IFunction, topic: sns.Topic) -> list[cloudwatch.Alarm]:
    """Errors (the invocation failed as a whole) and IteratorAge (the consumer is falling behind) for one consumer."""
    alarms = [
        cloudwatch.Alarm(
            scope,
            f"{construct_id}ErrorsAlarm",
            metric=fn.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"{construct_id} invocations failed as a whole (crash, timeout, a failed DynamoDB write or a bad deploy), so its "
                "shard is retried and held up. Read its log group and roll back a bad deploy."
            ),
        ),
        cloudwatch.Alarm(
            scope,
            f"{construct_id}IteratorAgeAlarm",
            metric=fn.metric("IteratorAge", statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            threshold=Duration.minutes(ALARM_ITERATOR_AGE_MINUTES).to_milliseconds(),
            evaluation_periods=5,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"{construct_id} has been more than {ALARM_ITERATOR_AGE_MINUTES} minutes behind the stream for 5 minutes; records older "
                f"than {MAX_RECORD_AGE_HOURS} hour are skipped and reported to FailedBatches. Look for a record being retried in its log group."
            ),
        ),
    ]
    for alarm in alarms:
        alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarms
