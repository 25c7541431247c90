"""EventBridge Scheduler runs a Lambda every five minutes that records a heartbeat in DynamoDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

RATE = Duration.minutes(5)
# Scheduler may start each run anywhere in this window, which spreads load when many schedules share a minute.
FLEXIBLE_WINDOW = Duration.minutes(2)
# A run that cannot start within five minutes is given up and parked: by then the next one is due,
# and a late heartbeat is worse than an honest gap. The same limit applies on both hops.
MAX_EVENT_AGE = Duration.minutes(5)
SCHEDULER_RETRIES = 3
LAMBDA_RETRIES = 2
# With a run due every five minutes, three periods without a single invocation mean the schedule has stopped.
SILENCE_WINDOW = Duration.minutes(15)

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheScheduledLambdaStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        table = dynamodb.TableV2(
            self,
            "Heartbeats",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            time_to_live_attribute="expiresAt",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # Every run that did not happen ends up here, whichever hop failed.
        missed_runs = sqs.Queue(
            self,
            "MissedRuns",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )

        log_group = logs.LogGroup(self, "HeartbeatLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the managed basic-execution policy, which can write to every log group.
        role = iam.Role(
            self,
            "HeartbeatRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Heartbeat: write its own logs, record runs in the table, park failed runs.",
        )
        log_group.grant_write(role)

        heartbeat = lambda_.Function(
            self,
            "Heartbeat",
            role=role,
            log_group=log_group,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="heartbeat.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            environment={"TABLE_NAME": table.table_name},
            # Second hop: Scheduler handed the run over, but the function threw.
            retry_attempts=LAMBDA_RETRIES,
            max_event_age=MAX_EVENT_AGE,
            on_failure=destinations.SqsDestination(missed_runs),
        )
        # A transaction of one conditional Put and one Update needs exactly these two actions.
        table.grant(heartbeat, "dynamodb:PutItem", "dynamodb:UpdateItem")

        # Scheduler assumes this role to invoke the target; it is trusted only for schedules in this account's default group.
        scheduler_role = iam.Role(
            self,
            "SchedulerRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": self.account,
                        "aws:SourceArn": self.format_arn(service="scheduler", resource="schedule-group", resource_name="default"),
                    }
                },
            ),
            description="EventBridge Scheduler: invoke the heartbeat function, park runs it could not deliver.",
        )

        schedule = scheduler.Schedule(
            self,
            "EveryFiveMinutes",
            description="Runs the heartbeat function every five minutes.",
            schedule=scheduler.ScheduleExpression.rate(RATE),
            time_window=scheduler.TimeWindow.flexible(FLEXIBLE_WINDOW),
            target=scheduler_targets.LambdaInvoke(
                heartbeat,
                role=scheduler_role,
                # First hop: Scheduler could not invoke the function at all.
                retry_attempts=SCHEDULER_RETRIES,
                max_event_age=MAX_EVENT_AGE,
                dead_letter_queue=missed_runs,
                input=scheduler.ScheduleTargetInput.from_object(
                    {
                        "scheduledTime": scheduler.ContextAttribute.scheduled_time,
                        "executionId": scheduler.ContextAttribute.execution_id,
                        "attemptNumber": scheduler.ContextAttribute.attempt_number,
                        "scheduleArn": scheduler.ContextAttribute.schedule_arn,
                    }
                ),
            ),
        )

        # One topic for every alarm; it e-mails only when an address is given at deploy time.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="The Scheduled Lambda alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        notify = cw_actions.SnsAction(alarm_topic)

        # A message in the queue means a heartbeat is missing; this is the signal to page someone on.
        cloudwatch.Alarm(
            self,
            "MissedRunsAlarm",
            alarm_description=(
                "A scheduled heartbeat run failed and was parked in MissedRuns. Read the message for the condition and error, "
                "fix the cause, then purge or delete the message."
            ),
            metric=missed_runs.metric_approximate_number_of_messages_visible(period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        ).add_alarm_action(notify)
        # Every failed attempt, including the ones a retry later fixes.
        cloudwatch.Alarm(
            self,
            "HeartbeatErrorsAlarm",
            alarm_description="A heartbeat run threw; Lambda retries it twice before parking it. Check HeartbeatLogs for the error.",
            metric=heartbeat.metric_errors(period=Duration.minutes(5), statistic=cloudwatch.Stats.SUM),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        ).add_alarm_action(notify)
        # A disabled or deleted schedule parks nothing; only the absence of invocations shows it.
        cloudwatch.Alarm(
            self,
            "HeartbeatSilentAlarm",
            alarm_description=(
                "The heartbeat function has not been invoked for 15 minutes: the schedule is disabled, deleted or cannot assume "
                "its role. Check the EveryFiveMinutes schedule."
            ),
            metric=heartbeat.metric_invocations(period=SILENCE_WINDOW, statistic=cloudwatch.Stats.SUM),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        ).add_alarm_action(notify)

        CfnOutput(self, "TableName", value=table.table_name)
        CfnOutput(self, "FunctionName", value=heartbeat.function_name)
        CfnOutput(self, "ScheduleName", value=schedule.schedule_name)
        CfnOutput(self, "MissedRunsUrl", value=missed_runs.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(heartbeat).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="An on-failure destination to the MissedRuns queue replaces the legacy function DLQ and also records the error.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        Validations.of(scheduler_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::<HeartbeatCF533661.Arn>:*]",
                reason="The target grant also covers versions and aliases of the one heartbeat function; no other function is reachable.",
            )
        )
        Validations.of(missed_runs).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue for the schedule and the function; it has nowhere further to send.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the dead-letter queue; messages stay 14 days for inspection.",
            ),
        )
