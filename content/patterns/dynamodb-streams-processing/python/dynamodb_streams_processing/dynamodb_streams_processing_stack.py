"""Filtered consumers of a DynamoDB stream keep per-customer order totals and audit deletions."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from dynamodb_streams_processing.stream_consumer import add_stream_consumer

# Every record of an order: writes carry the order in the new image, deletes only in the old one.
# Two patterns are OR-ed, so a change that is an order on either side reaches the view.
TOTALS_FILTERS: list[dict[str, Any]] = [
    {"dynamodb": {"NewImage": {"entityType": {"S": lambda_.FilterRule.is_equal("ORDER")}}}},
    {"dynamodb": {"OldImage": {"entityType": {"S": lambda_.FilterRule.is_equal("ORDER")}}}},
]

# Deletes only (a record without a new image), of anything except shopping carts, which expire
# through TTL by the thousand and are not worth an audit line.
AUDIT_FILTERS: list[dict[str, Any]] = [
    {
        "dynamodb": {
            "OldImage": {"entityType": {"S": lambda_.FilterRule.not_equals("CART")}},
            "NewImage": {"entityType": {"S": lambda_.FilterRule.not_exists()}},
        }
    }
]


class DynamodbStreamsProcessingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- The source table: customers, orders and carts side by side, every change on its stream. ---
        orders = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            # Old images say what a deleted item was (the filters need it) and what a changed order
            # counted before; new images say what it counts now.
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            time_to_live_attribute="expiresAt",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- The view: one TOTALS item per customer, plus one version marker per order it counted. ---
        totals = dynamodb.TableV2(
            self,
            "CustomerTotals",
            partition_key=dynamodb.Attribute(name="customerId", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        failures = sqs.Queue(
            self,
            "StreamFailures",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="DynamoDB Streams Processing alarms", enforce_ssl=True)
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

        # --- Consumer 1: order changes only, folded into the view with atomic ADDs. ---
        projector = add_stream_consumer(
            self,
            "TotalsProjector",
            table=orders,
            handler="totals_projector.handler",
            description="Totals projector: read order changes from the stream, write customer totals into the view table.",
            filters=TOTALS_FILTERS,
            failures=failures,
            alarm_topic=alarm_topic,
            log_retention=logs.RetentionDays.ONE_MONTH,
            environment={"TOTALS_TABLE_NAME": totals.table_name},
        )
        # Writes through TransactWriteItems, which IAM authorises per item action; no read, query or scan.
        totals.grant(projector.fn, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")

        # --- Consumer 2: deletions only, written as an audit trail to a log group kept for a year. ---
        audit = add_stream_consumer(
            self,
            "RemovalAudit",
            table=orders,
            handler="removal_audit.handler",
            description="Removal audit: read deletions from the stream and log what was removed and by whom.",
            filters=AUDIT_FILTERS,
            failures=failures,
            alarm_topic=alarm_topic,
            log_retention=logs.RetentionDays.ONE_YEAR,
        )

        cloudwatch.Alarm(
            self,
            "StreamFailuresAlarm",
            metric=failures.metric_approximate_number_of_messages_visible(statistic=cloudwatch.Stats.MAXIMUM, period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "A consumer gave up on stream records and sent a pointer to StreamFailures. The message names the function, "
                "shard and sequence range; replay those records from the stream within 24 hours, then delete the message."
            ),
        ).add_alarm_action(cw_actions.SnsAction(alarm_topic))

        Validations.of(failures).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself the on-failure destination of both stream mappings; it receives batch pointers, not work to redrive.",
            ),
            Acknowledgment(
                id="Serverless-SQSRedrivePolicy",
                reason="This queue is itself the on-failure destination; a further dead-letter queue would only move its records again.",
            ),
        )

        CfnOutput(self, "OrdersTableName", value=orders.table_name)
        CfnOutput(self, "TotalsTableName", value=totals.table_name)
        CfnOutput(self, "FailureQueueUrl", value=failures.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ProjectorFunctionName", value=projector.fn.function_name)
        CfnOutput(self, "AuditFunctionName", value=audit.fn.function_name)
        CfnOutput(self, "ProjectorLogGroup", value=projector.logs.log_group_name)
        CfnOutput(self, "AuditLogGroup", value=audit.logs.log_group_name)
