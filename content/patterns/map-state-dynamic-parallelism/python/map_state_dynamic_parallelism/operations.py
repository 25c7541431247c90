"""One topic, three alarms, each on the first occurrence.

Caught per-order failures do not fail a job, so a crashing or timing-out worker is watched directly
through its Errors metric.
"""

from aws_cdk import Acknowledgment, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct


def add_alarms(scope: Construct, *, state_machine: sfn.StateMachine, worker: lambda_.IFunction) -> sns.Topic:
    topic = sns.Topic(scope, "AlarmTopic", display_name="Map state pricing job alarms", enforce_ssl=True)
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

    notify = cw_actions.SnsAction(topic)

    def on_first(construct_id: str, metric: cloudwatch.Metric, description: str) -> None:
        cloudwatch.Alarm(
            scope,
            construct_id,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        ).add_alarm_action(notify)

    five_minute_sum = {"statistic": cloudwatch.Stats.SUM, "period": Duration.minutes(5)}
    on_first(
        "PricingJobFailedAlarm",
        state_machine.metric_failed(**five_minute_sum),
        "A pricing job failed: an invalid job, more than 400 inline orders, an unreadable manifest, or more than 5% of a manifest "
        "in failed batches. The execution history names the state and error.",
    )
    on_first(
        "PricingJobTimedOutAlarm",
        state_machine.metric_timed_out(**five_minute_sum),
        "A pricing job ran past its one-hour timeout. Check the Map Run for throttled or slow batches.",
    )
    on_first(
        "OrderPricerErrorsAlarm",
        worker.metric_errors(**five_minute_sum),
        "The OrderPricer function failed (crash, timeout or an input it does not understand). Inline jobs record the order as FAILED; "
        "manifest jobs retry the batch and count it against the 5% tolerance. Check OrderPricerLogs.",
    )
    return topic
