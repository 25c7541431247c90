"""An SQS queue feeds a Lambda function that charges each payment once, with Powertools idempotency on DynamoDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, AssetHashType, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.idempotency_settings import IDEMPOTENCY_KEY_ATTRIBUTE, IDEMPOTENCY_TTL_ATTRIBUTE, IDEMPOTENCY_WINDOW_SECONDS

from .bundling import powertools_bundling
from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Receives before a payment request is given up on and parked in the DLQ.
MAX_RECEIVE_COUNT = 3

# Also the longest an in-progress lock can outlive a crashed invocation.
CHARGE_TIMEOUT = Duration.seconds(20)

# The only calls the Powertools DynamoDB persistence layer makes on its table.
IDEMPOTENCY_TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class IdempotentEventHandlerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ops = Operations(self, "Operations")

        dlq = sqs.Queue(
            self,
            "PaymentRequestsDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        queue = sqs.Queue(
            self,
            "PaymentRequests",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Six times the function timeout: a redelivered copy of a message whose invocation died
            # arrives after that invocation's in-progress lock has expired, not while it still blocks.
            visibility_timeout=Duration.seconds(CHARGE_TIMEOUT.to_seconds() * 6),
            # No longer than the idempotency window, so every copy SQS can still deliver is covered by a record.
            retention_period=Duration.seconds(IDEMPOTENCY_WINDOW_SECONDS),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
        )

        # One item per payment key; DynamoDB TTL deletes it some time after its expiration,
        # and Powertools treats it as gone from the moment it expires.
        idempotency_records = dynamodb.TableV2(
            self,
            "IdempotencyRecords",
            partition_key=dynamodb.Attribute(name=IDEMPOTENCY_KEY_ATTRIBUTE, type=dynamodb.AttributeType.STRING),
            time_to_live_attribute=IDEMPOTENCY_TTL_ATTRIBUTE,
            removal_policy=RemovalPolicy.DESTROY,
        )

        # The fake provider's ledger: one item per charge, so a double charge is two items under one paymentId.
        payments = dynamodb.TableV2(
            self,
            "Payments",
            partition_key=dynamodb.Attribute(name="paymentId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="chargeId", type=dynamodb.AttributeType.STRING),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        log_group = logs.LogGroup(
            self, "ChargePaymentsLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        role = iam.Role(
            self,
            "ChargePaymentsRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Charge payments: consume the payment queue, keep idempotency records, record charges.",
        )
        log_group.grant_write(role)
        # Granted by hand: grant_read_write_data would add Scan, Query and batch writes the function never makes.
        role.add_to_policy(iam.PolicyStatement(actions=IDEMPOTENCY_TABLE_ACTIONS, resources=[idempotency_records.table_arn]))
        role.add_to_policy(iam.PolicyStatement(actions=["dynamodb:PutItem"], resources=[payments.table_arn]))

        charge_payments = lambda_.Function(
            self,
            "ChargePayments",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="charge_payments.handler",
            # The handler modules plus Powertools, hashed by the bundle's content so a new pin is a new asset.
            code=lambda_.Code.from_asset(
                str(FUNCTIONS),
                exclude=["__pycache__", "*.pyc"],
                bundling=powertools_bundling(FUNCTIONS),
                asset_hash_type=AssetHashType.OUTPUT,
            ),
            memory_size=256,
            timeout=CHARGE_TIMEOUT,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment={
                "IDEMPOTENCY_TABLE_NAME": idempotency_records.table_name,
                "PAYMENTS_TABLE_NAME": payments.table_name,
            },
        )
        charge_payments.add_event_source(
            event_sources.SqsEventSource(
                queue,
                batch_size=10,
                max_batching_window=Duration.seconds(1),
                report_batch_item_failures=True,
                # Caps the charges in flight at once, protecting the payment provider behind the function.
                max_concurrency=5,
            )
        )

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
        Validations.of(charge_payments).acknowledge(
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

        # A refused or repeatedly failing payment is a partial batch failure, which never raises Errors:
        # the DLQ is where it shows.
        ops.when_queue_holds_messages(
            "PaymentRequestsDlqAlarm",
            dlq,
            f"A payment request failed {MAX_RECEIVE_COUNT} receives and was parked in PaymentRequestsDlq. Read ChargePayments' "
            "ERROR log lines for its sqsMessageId: a refused paymentId reuse needs the producer fixed, not a redrive.",
        )
        ops.when_function_errors(
            "ChargePaymentsErrorsAlarm",
            charge_payments,
            "ChargePayments failed whole invocations (timeout, crash, bad deploy); their batches return to the queue and "
            "in-progress locks expire after the function timeout. Check its log group.",
        )

        CfnOutput(
            self,
            "AlarmTopicArn",
            value=ops.alarm_topic.topic_arn,
            description="Subscribe here to hear about parked payments and function errors.",
        )
        CfnOutput(self, "QueueUrl", value=queue.queue_url, description="Send payment requests here.")
        CfnOutput(self, "DlqUrl", value=dlq.queue_url)
        CfnOutput(self, "PaymentsTableName", value=payments.table_name)
        CfnOutput(self, "IdempotencyTableName", value=idempotency_records.table_name)
        CfnOutput(self, "LogGroupName", value=log_group.log_group_name)
