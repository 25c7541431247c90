"""An order and its event are written in one DynamoDB transaction and published from the stream to EventBridge."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, RemovalPolicy, Stack, Validations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from transactional_outbox.order_api import add_order_api
from transactional_outbox.order_events import add_order_events
from transactional_outbox.outbox_relay import add_outbox_relay


class TransactionalOutboxStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- State: the orders, and the outbox that holds the events about them. ---

        orders = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # A table of its own, so its stream carries nothing but events and its items can expire
        # through TTL without touching orders.
        outbox = dynamodb.TableV2(
            self,
            "Outbox",
            partition_key=dynamodb.Attribute(name="eventId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            # Outbox items are written once and never changed; the new image is the whole event.
            dynamo_stream=dynamodb.StreamViewType.NEW_IMAGE,
            time_to_live_attribute="expiresAt",
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        # --- Operations: one topic every alarm of the stack notifies. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Transactional Outbox alarms", enforce_ssl=True)
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

        # --- Write side, publishing side, and the bus with its example consumer. ---

        order_api = add_order_api(self, orders=orders, outbox=outbox, alarm_topic=alarm_topic)
        order_events = add_order_events(self, alarm_topic=alarm_topic)
        relay = add_outbox_relay(self, outbox=outbox, bus=order_events.bus, alarm_topic=alarm_topic)

        CfnOutput(self, "ApiUrl", value=order_api.api.api_endpoint, description="POST /orders and POST /orders/{orderId}/cancel.")
        CfnOutput(self, "OrdersTableName", value=orders.table_name)
        CfnOutput(self, "OutboxTableName", value=outbox.table_name)
        CfnOutput(self, "EventBusName", value=order_events.bus.event_bus_name)
        CfnOutput(self, "OrderEventsQueueUrl", value=order_events.order_events.queue_url, description="Every published order event lands here.")
        CfnOutput(self, "OrderEventsDlqUrl", value=order_events.dlq.queue_url)
        CfnOutput(self, "RelayFailureQueueUrl", value=relay.failures.queue_url)
        CfnOutput(self, "WriterLogGroup", value=order_api.logs.log_group_name)
        CfnOutput(self, "RelayLogGroup", value=relay.logs.log_group_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
