"""The stack's operations plumbing: one alarm topic, the alarms that notify it, and a Lambda cost budget."""

import re
from typing import Any

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

# Enough for the floor the schedule keeps (about $6 a month at 512 MB) plus sustained scale-out.
DEFAULT_MONTHLY_BUDGET_USD = 20

FIVE_MINUTE_SUM: dict[str, Any] = {"statistic": "Sum", "period": Duration.minutes(5)}


def monthly_budget_usd(scope: Construct) -> float:
    """The monthly budget from context `monthlyBudgetUsd` (a number, or a string from `-c`), or the default."""
    raw = scope.node.try_get_context("monthlyBudgetUsd")
    if raw is None or raw == "":
        return DEFAULT_MONTHLY_BUDGET_USD
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        amount = float(raw)
    elif isinstance(raw, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", raw.strip()):
        amount = float(raw.strip())
    else:
        amount = float("nan")
    if not amount > 0:
        raise ValueError(f"monthlyBudgetUsd must be a positive number of US dollars, got {raw!r}")
    return int(amount) if amount.is_integer() else amount


def create_alarm_topic(scope: Construct) -> sns.Topic:
    """The stack's one alarm topic. Deploy with `-c alarmEmail=you@example.com` to get its messages by e-mail."""
    topic = sns.Topic(scope, "AlarmTopic", display_name="Provisioned concurrency alarms", enforce_ssl=True)
    email = scope.node.try_get_context("alarmEmail")
    if isinstance(email, str) and email.strip():
        Validations.of(topic.add_subscription(subscriptions.EmailSubscription(email.strip()))).acknowledge(
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


def alarm_on_any(
    scope: Construct, construct_id: str, topic: sns.Topic, *, metric: cloudwatch.IMetric, description: str, evaluation_periods: int = 1
) -> cloudwatch.Alarm:
    """Alarms when the metric's five-minute sum reaches 1 in each of `evaluation_periods` periods in a row."""
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        metric=metric,
        threshold=1,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=evaluation_periods,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm


def lambda_budget(scope: Construct, topic: sns.Topic, amount_usd: float) -> budgets.CfnBudget:
    """A monthly cost budget on the account's AWS Lambda charges that tells the alarm topic when they pass
    the amount or are forecast to. Provisioned concurrency is billed while idle, so this is how someone
    hears that a raised floor or ceiling has quietly become a standing cost."""
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowBudgetsToPublish",
            effect=iam.Effect.ALLOW,
            principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}},
        )
    )

    def notify_when(notification_type: str) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
        return budgets.CfnBudget.NotificationWithSubscribersProperty(
            notification=budgets.CfnBudget.NotificationProperty(
                notification_type=notification_type, comparison_operator="GREATER_THAN", threshold=100, threshold_type="PERCENTAGE"
            ),
            subscribers=[budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=topic.topic_arn)],
        )

    budget = budgets.CfnBudget(
        scope,
        "LambdaBudget",
        budget=budgets.CfnBudget.BudgetDataProperty(
            budget_type="COST",
            time_unit="MONTHLY",
            budget_limit=budgets.CfnBudget.SpendProperty(amount=amount_usd, unit="USD"),
            cost_filters={"Service": ["AWS Lambda"]},
        ),
        notifications_with_subscribers=[notify_when("ACTUAL"), notify_when("FORECASTED")],
    )
    # AWS Budgets checks that it may publish to the topic before it accepts the subscriber.
    budget.node.add_dependency(topic)
    return budget
