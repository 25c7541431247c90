"""The stack's operations plumbing: one alarm topic, the alarms that notify it, and a cost budget.

Deploy with `-c alarmEmail=you@example.com` to have the notifications mailed to you.
"""

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FIVE_MINUTE_SUM = {"statistic": "Sum", "period": Duration.minutes(5)}


class Operations(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._scope = scope
        # The construct id the project's operability check looks for is AlarmTopic, at stack level.
        self.topic = sns.Topic(scope, "AlarmTopic", display_name="API response caching alarms", enforce_ssl=True)
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

    def alarm_on_any(self, construct_id: str, metric: cloudwatch.IMetric, alarm_description: str) -> cloudwatch.Alarm:
        """At least one occurrence of the metric's sum in five minutes."""
        alarm = cloudwatch.Alarm(
            self._scope,
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

    def monthly_budget(self, construct_id: str, service: str, amount_usd: float) -> budgets.CfnBudget:
        """A monthly cost budget on one AWS service, telling the alarm topic when it is passed or forecast to be."""
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowBudgetsToPublish",
                effect=iam.Effect.ALLOW,
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self._scope).account}},
            )
        )

        def notify_at(notification_type: str) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=notification_type, comparison_operator="GREATER_THAN", threshold=100, threshold_type="PERCENTAGE"
                ),
                subscribers=[budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=self.topic.topic_arn)],
            )

        budget = budgets.CfnBudget(
            self._scope,
            construct_id,
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=amount_usd, unit="USD"),
                cost_filters={"Service": [service]},
            ),
            notifications_with_subscribers=[notify_at("ACTUAL"), notify_at("FORECASTED")],
        )
        # Budgets checks that it may publish before it accepts the subscriber.
        budget.node.add_dependency(self.topic)
        return budget
