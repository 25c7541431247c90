"""A REST API sends account events into a high-throughput SQS FIFO queue, and a Lambda applies them
in order per account to a DynamoDB table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from .ledger_api import add_ledger_api

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Receives before a message is given up on and moved to the DLQ; its group waits meanwhile.
MAX_RECEIVE_COUNT = 3
# Copies of the consumer at once; a FIFO queue never needs more than it has active message groups.
MAX_CONCURRENCY = 5

CONSUMER_TIMEOUT = Duration.seconds(10)

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class FifoOrderingAndDeduplicationStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Operations plumbing: one topic for every alarm, with an e-mail subscription only when asked for.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="FIFO ledger alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            email = alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
            Validations.of(email).acknowledge(
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
        CfnOutput(
            self,
            "AlarmTopicArn",
            value=alarm_topic.topic_arn,
            description="Subscribe here to hear about parked events, consumer errors and API failures.",
        )

        # A FIFO source queue needs a FIFO dead-letter queue.
        dlq = sqs.Queue(
            self,
            "LedgerEventsDlq",
            fifo=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        queue = sqs.Queue(
            self,
            "LedgerEvents",
            fifo=True,
            # Deduplicate on the business event id the API passes, never on a hash of the body.
            content_based_deduplication=False,
            # High throughput mode: the quota and the deduplication window apply per message group.
            deduplication_scope=sqs.DeduplicationScope.MESSAGE_GROUP,
            fifo_throughput_limit=sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
            # SQS-managed keys: API Gateway can send without a key policy grant.
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Six times the function timeout, so a slow batch is not redelivered while still running.
            visibility_timeout=Duration.seconds(CONSUMER_TIMEOUT.to_seconds() * 6),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )

        accounts = dynamodb.TableV2(
            self,
            "Accounts",
            partition_key=dynamodb.Attribute(name="accountId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        log_group = logs.LogGroup(
            self,
            "LedgerConsumerLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            "LedgerConsumerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Ledger consumer: write its own logs, consume the ledger queue, update account items.",
        )
        log_group.grant_write(role)
        # One conditional UpdateItem per event is all the consumer does to the table.
        accounts.grant(role, "dynamodb:UpdateItem")

        consumer = lambda_.Function(
            self,
            "LedgerConsumer",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="ledger_events.handler",
            # Plain source: boto3 and botocore come with the Lambda runtime.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=CONSUMER_TIMEOUT,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment={"TABLE_NAME": accounts.table_name},
        )
        consumer.add_event_source(
            event_sources.SqsEventSource(
                queue,
                # Ten is the most a FIFO event source takes per batch, and FIFO allows no batching window.
                batch_size=10,
                report_batch_item_failures=True,
                max_concurrency=MAX_CONCURRENCY,
            )
        )

        api = add_ledger_api(self, queue)

        Validations.of(dlq).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the dead-letter queue; a DLQ for it would only move the same messages again.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the dead-letter queue; messages stay here 14 days for inspection and redrive.",
            ),
        )
        Validations.of(consumer).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="The function is invoked by an SQS event source mapping, not asynchronously; failed messages go to the queue DLQ.",
            ),
            Acknowledgment(
                id="Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event source mappings do not support on-failure destinations; the source queue redrive policy is the failure path.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )

        # Partial batch failures never raise Errors, so the DLQ is where a refused event shows up.
        cloudwatch.Alarm(
            self,
            "LedgerEventsDlqAlarm",
            metric=dlq.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"A ledger event failed {MAX_RECEIVE_COUNT} receives and was parked in LedgerEventsDlq; later events of its account "
                "may follow it. Read the consumer's ERROR log lines, fix the cause, then redrive the DLQ to LedgerEvents."
            ),
        ).add_alarm_action(notify)
        # A whole invocation failing (timeout, crash, bad deploy) shows here long before the DLQ fills.
        cloudwatch.Alarm(
            self,
            "LedgerConsumerErrorsAlarm",
            metric=consumer.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The ledger consumer failed whole invocations; their batches return to the queue and block their groups. "
                "Check LedgerConsumerLogs for timeouts or crashes and roll back a bad deploy."
            ),
        ).add_alarm_action(notify)
        # A 5xx means an accepted-looking event never reached the queue: the producer must retry it.
        cloudwatch.Alarm(
            self,
            "LedgerApi5xxAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The ledger API answered 5xx: SendMessage to the FIFO queue failed (throttling, permissions or a queue problem). "
                "Check ApiAccessLogs for the failing requests."
            ),
        ).add_alarm_action(notify)

        CfnOutput(self, "EventsUrl", value=api.url_for_path("/events"), description="POST ledger events here.")
        CfnOutput(self, "QueueUrl", value=queue.queue_url)
        CfnOutput(self, "DlqUrl", value=dlq.queue_url)
        CfnOutput(self, "AccountsTableName", value=accounts.table_name)
        CfnOutput(self, "ConsumerLogGroupName", value=log_group.log_group_name)
