"""The alias callers invoke, with provisioned concurrency that follows office hours and load."""

from aws_cdk import TimeZone
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct


class WarmCapacity:
    """How many pre-initialised environments the live alias keeps.

    Every one of them is billed around the clock and is taken from the Region's concurrency quota, so
    the floor stays small and the ceiling modest: Lambda keeps 100 of the account's concurrency
    unreserved, so a ceiling of 10 needs an account quota of at least 110.
    """

    # Nights and weekends: one environment answers the occasional request without a cold start.
    OFF_HOURS_FLOOR = 1
    # Weekdays: a second one, so two requests at once are both served warm.
    BUSINESS_HOURS_FLOOR = 2
    # The most target tracking may provision; requests beyond it still run, on standard concurrency.
    CEILING = 10
    # Scale out when more than 70 per cent of the provisioned environments are busy.
    UTILIZATION_TARGET = 0.7
    # Raised a quarter of an hour early: allocating environments takes a minute or two.
    BUSINESS_HOURS_START = appscaling.Schedule.cron(minute="45", hour="7", week_day="MON-FRI")
    # The Friday evening action also covers the weekend: nothing raises the floor until Monday.
    BUSINESS_HOURS_END = appscaling.Schedule.cron(minute="0", hour="19", week_day="MON-FRI")
    # Business hours are local hours; a cron in UTC would move by an hour twice a year.
    DEFAULT_TIME_ZONE = "Europe/Berlin"


def add_warm_capacity(scope: Construct, version: lambda_.IVersion) -> lambda_.Alias:
    """Provisioned concurrency can only sit on a version or an alias, never on $LATEST."""
    configured = scope.node.try_get_context("businessTimeZone")
    time_zone = TimeZone.of(configured.strip() if isinstance(configured, str) and configured.strip() else WarmCapacity.DEFAULT_TIME_ZONE)

    live = lambda_.Alias(
        scope,
        "LiveAlias",
        alias_name="live",
        version=version,
        # The floor CloudFormation sets with each new version; Application Auto Scaling takes it from there.
        provisioned_concurrent_executions=WarmCapacity.OFF_HOURS_FLOOR,
    )

    scaling = live.add_auto_scaling(min_capacity=WarmCapacity.OFF_HOURS_FLOOR, max_capacity=WarmCapacity.CEILING)
    scaling.scale_on_utilization(utilization_target=WarmCapacity.UTILIZATION_TARGET)
    scaling.scale_on_schedule(
        "BusinessHoursFloor",
        schedule=WarmCapacity.BUSINESS_HOURS_START,
        min_capacity=WarmCapacity.BUSINESS_HOURS_FLOOR,
        time_zone=time_zone,
    )
    scaling.scale_on_schedule(
        "OffHoursFloor",
        schedule=WarmCapacity.BUSINESS_HOURS_END,
        min_capacity=WarmCapacity.OFF_HOURS_FLOOR,
        time_zone=time_zone,
    )
    return live
