"""An SQS queue filtered, enriched by a DynamoDB lookup and reshaped onto an event bus by one EventBridge pipe."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from eventbridge_pipes_enrichment.enrich_order import add_enrich_order
from eventbridge_pipes_enrichment.order_bus import add_order_bus
from eventbridge_pipes_enrichment.orders_queue import add_orders_queue
from eventbridge_pipes_enrichment.priority_orders_pipe import add_priority_orders_pipe


class EventbridgePipesEnrichmentStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- Operations: one topic every alarm of the stack notifies. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="EventBridge Pipes Enrichment alarms", enforce_ssl=True)
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

        # --- Reference data the enrichment reads: one item per customer. ---

        customers = dynamodb.TableV2(
            self,
            "Customers",
            partition_key=dynamodb.Attribute(name="customerId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- Source, enrichment, target, and the pipe that joins them with no code of its own. ---

        orders = add_orders_queue(self, alarm_topic=alarm_topic)
        enrich = add_enrich_order(self, customers=customers, alarm_topic=alarm_topic)
        order_bus = add_order_bus(self)
        pipe = add_priority_orders_pipe(self, queue=orders.queue, enrichment=enrich.fn, bus=order_bus.bus, alarm_topic=alarm_topic)

        CfnOutput(self, "OrdersQueueUrl", value=orders.queue.queue_url, description="Send order messages here.")
        CfnOutput(self, "OrdersDlqUrl", value=orders.dlq.queue_url)
        CfnOutput(self, "CustomersTableName", value=customers.table_name)
        CfnOutput(self, "EventBusName", value=order_bus.bus.event_bus_name)
        CfnOutput(self, "PipeName", value=pipe.pipe.ref)
        CfnOutput(self, "EnrichedOrderLogName", value=order_bus.log.log_group_name, description="Every event the pipe puts on the bus.")
        CfnOutput(self, "PipeLogName", value=pipe.logs.log_group_name)
        CfnOutput(self, "EnrichOrderLogName", value=enrich.logs.log_group_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
