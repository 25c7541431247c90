"""One stack's alarm plumbing.

Each account gets its own topic and its own alarms: the people who run the producer cannot see the
consumer's CloudWatch, and the other way round. Deploy with `-c alarmEmail=you@example.com` to have
the notifications mailed.
"""

from aws_cdk import Acknowledgment, Duration, Fn, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct


class Operations(Construct):
    def __init__(self, scope: Construct, construct_id: str, display_name: str) -> None:
        super().__init__(scope, construct_id)
        self._stack_scope = scope
        # The project's operability check looks for the id AlarmTopic at stack level.
        self.topic = sns.Topic(scope, "AlarmTopic", display_name=display_name, enforce_ssl=True)
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

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, description: str) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self._stack_scope,
            construct_id,
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        return alarm

    def queue_not_empty(self, construct_id: str, queue: sqs.IQueue, description: str) -> cloudwatch.Alarm:
        """Messages waiting in a dead-letter queue: stays in ALARM until someone reads and redrives them."""
        metric = queue.metric_approximate_number_of_messages_visible(statistic="Maximum", period=Duration.minutes(1))
        return self._alarm(construct_id, metric, description)

    def function_errors(self, construct_id: str, fn: lambda_.IFunction, description: str) -> cloudwatch.Alarm:
        """Any failed invocation of a function in five minutes."""
        return self._alarm(construct_id, fn.metric_errors(statistic="Sum", period=Duration.minutes(5)), description)

    def rule_failed_invocations(self, construct_id: str, rule: events.IRule, description: str) -> cloudwatch.Alarm:
        """Deliveries a rule gave up on.

        A rule on a custom bus reports under both EventBusName and RuleName, and its Ref is
        "bus|rule", so the two dimensions are cut from that one value.
        """
        bus_name, rule_name = (Fn.select(i, Fn.split("|", rule.rule_name)) for i in (0, 1))
        metric = cloudwatch.Metric(
            namespace="AWS/Events",
            metric_name="FailedInvocations",
            dimensions_map={"EventBusName": bus_name, "RuleName": rule_name},
            statistic="Sum",
            period=Duration.minutes(5),
        )
        return self._alarm(construct_id, metric, description)
