"""One alarm topic and the alarms that tell a person when something broke, not when someone said no."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn


def operations(stack: Stack, *, flow: sfn.StateMachine, api: apigwv2.HttpApi, decide: lambda_.IFunction) -> sns.Topic:
    """Rejected and expired requests end in Succeed states, so they never count as failed executions."""
    topic = sns.Topic(stack, "AlarmTopic", display_name="Wait state and callback alarms", enforce_ssl=True)
    email = stack.node.try_get_context("alarmEmail")
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
    notify = cw_actions.SnsAction(topic)
    every_five_minutes = {"statistic": cloudwatch.Stats.SUM, "period": Duration.minutes(5)}

    def alarm(construct_id: str, metric: cloudwatch.IMetric, description: str) -> None:
        cloudwatch.Alarm(
            stack,
            construct_id,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        ).add_alarm_action(notify)

    alarm(
        "ApprovalFlowFailedAlarm",
        flow.metric_failed(**every_five_minutes),
        "An ApprovalFlow execution failed: an invalid request, a step that kept failing, or Revoke failed, which leaves access ACTIVE. "
        "Open the failed execution and read the error and cause of its Fail state.",
    )
    alarm(
        "ApprovalFlowTimedOutAlarm",
        flow.metric_timed_out(**every_five_minutes),
        "An ApprovalFlow execution hit its overall timeout, which only a stuck step can cause. "
        "If it stopped after Grant access, the request item is still ACTIVE: revoke it by hand.",
    )
    alarm(
        "ApiServerErrorsAlarm",
        api.metric_server_error(**every_five_minutes),
        "The approval API answered 5xx: a decision could not be recorded or delivered (503 asks the approver to retry). "
        'Search DecideLogs for "decision failed" and "decision not delivered".',
    )
    alarm(
        "DecideErrorsAlarm",
        decide.metric_errors(**every_five_minutes),
        "The Decide function crashed or timed out. Check DecideLogs and roll back a bad deploy.",
    )
    return topic
