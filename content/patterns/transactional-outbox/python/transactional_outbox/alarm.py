"""One way to make an alarm, so every alarm of the stack behaves the same."""

from __future__ import annotations

from typing import Optional

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

# Five-minute sums: the period every count alarm of this stack uses.
FIVE_MINUTES = Duration.minutes(5)


def add_alarm(
    scope: Construct,
    construct_id: str,
    *,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    topic: sns.ITopic,
    evaluation_periods: Optional[int] = None,
) -> cloudwatch.Alarm:
    """An alarm that fires at or above its threshold, stays quiet without data, and notifies the alarm topic."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        metric=metric,
        threshold=threshold,
        evaluation_periods=evaluation_periods or 1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm
