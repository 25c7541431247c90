"""One way to build every alarm of the stack."""

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from constructs import Construct


def add_alarm(scope: Construct, construct_id: str, *, metric: cloudwatch.IMetric, threshold: float, description: str, topic: sns.ITopic) -> cloudwatch.Alarm:
    """An alarm that fires at or above its threshold after one period, stays quiet without data, and notifies the alarm topic."""
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
