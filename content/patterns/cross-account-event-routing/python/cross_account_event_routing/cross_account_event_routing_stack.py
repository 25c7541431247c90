"""Two stacks for two accounts: a producer bus that forwards shipped orders, and the consumer bus that admits them."""

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from functions.shipped_order import DETAIL_TYPE, EVENT_SOURCE

from .operations import Operations
from .routing import Routing, consumer_bus_arn

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# EventBridge retries a failed delivery to the consumer's function this often, for at most this long.
DELIVERY_RETRIES = 4
DELIVERY_MAX_AGE = Duration.hours(1)
# Lambda retries a handler that raises this often, for events at most this old.
PROCESSING_RETRIES = 2
PROCESSING_MAX_AGE = Duration.hours(1)


def shipped_orders(**extra: Any) -> events.EventPattern:
    """The events that cross the account boundary; everything else on the producer bus stays home."""
    return events.EventPattern(source=[EVENT_SOURCE], detail_type=[DETAIL_TYPE], **extra)


def _dead_letter_queue(scope: Construct, construct_id: str) -> sqs.Queue:
    queue = sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=Duration.days(14),
    )
    Validations.of(queue).acknowledge(
        Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is itself the dead-letter queue; it has nowhere further to send."),
        Acknowledgment(
            id="Serverless-SQSRedrivePolicy",
            reason="This queue is itself the dead-letter queue; messages stay 14 days for inspection and redrive.",
        ),
    )
    return queue


class ProducerStack(Stack):
    """Producer account: its own bus, and one rule that sends shipped orders, and nothing else, to the consumer account's bus."""

    def __init__(self, scope: Construct, construct_id: str, *, routing: Routing, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Producers in this account publish here; the bus has no resource policy, so only this account can.
        orders_bus = events.EventBus(self, "OrdersBus", description="Order events of the producer account.")

        # Written from context, not read from the other stack: a stack cannot reference one in another account.
        target_arn = consumer_bus_arn(routing, self.partition)
        consumer_bus = events.EventBus.from_event_bus_arn(self, "ConsumerBus", target_arn)

        # EventBridge assumes this role to put the events on the consumer bus. It can do nothing else.
        forwarding_role = iam.Role(
            self,
            "ForwardingRole",
            assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            description="Lets the ForwardShippedOrders rule put events on the consumer account bus, and nothing more.",
        )
        forwarding_role.add_to_principal_policy(
            iam.PolicyStatement(effect=iam.Effect.ALLOW, actions=["events:PutEvents"], resources=[target_arn])
        )

        # Where a delivery the consumer bus refuses, or one that runs out of retries, is kept for 14 days.
        undelivered_orders = _dead_letter_queue(self, "UndeliveredOrders")

        forward = events.Rule(
            self,
            "ForwardShippedOrders",
            event_bus=orders_bus,
            description=f"Sends {DETAIL_TYPE} events from {EVENT_SOURCE} to the consumer account.",
            event_pattern=shipped_orders(),
            # The event bus target takes no retry policy: EventBridge retries retriable errors for up to 24 hours
            # on its own and sends refusals (no permission, no such bus) straight to the dead-letter queue.
            targets=[targets.EventBus(consumer_bus, role=forwarding_role, dead_letter_queue=undelivered_orders)],
        )

        ops = Operations(self, "Operations", "Cross-account routing: producer alarms")
        ops.queue_not_empty(
            "UndeliveredOrdersAlarm",
            undelivered_orders,
            "A shipped-order event could not be put on the consumer bus. Read the ERROR_CODE and ERROR_MESSAGE attributes of the "
            "message in UndeliveredOrders (NO_PERMISSIONS or NO_RESOURCE: check the consumer bus policy and name), fix, then re-put the event.",
        )
        ops.rule_failed_invocations(
            "ForwardingFailedAlarm",
            forward,
            "ForwardShippedOrders gave up on delivering an event to the consumer account. Look in UndeliveredOrders; "
            "if it is empty, the event could not be parked there either.",
        )

        CfnOutput(self, "OrdersBusName", value=orders_bus.event_bus_name, description="Put order events on this bus.")
        CfnOutput(self, "ConsumerBusArn", value=target_arn, description="Where shipped orders are forwarded.")
        CfnOutput(self, "UndeliveredOrdersUrl", value=undelivered_orders.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn)


class ConsumerStack(Stack):
    """Consumer account: a bus whose policy admits shipped orders from the producer account only, and a rule that hands them to a function."""

    def __init__(self, scope: Construct, construct_id: str, *, routing: Routing, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The one physical name in the pattern: the producer builds this bus's ARN from it.
        consumer_bus = events.EventBus(
            self,
            "ConsumerBus",
            event_bus_name=routing.consumer_bus_name,
            description=f"Shipped orders forwarded from account {routing.producer_account}.",
        )
        # The account, not a role, is the principal: the producer decides which of its identities may send
        # (here only ForwardingRole has events:PutEvents on this ARN), the consumer decides what may arrive.
        consumer_bus.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowShippedOrdersFromProducer",
                effect=iam.Effect.ALLOW,
                principals=[iam.AccountPrincipal(routing.producer_account)],
                actions=["events:PutEvents"],
                resources=[consumer_bus.event_bus_arn],
                conditions={
                    "ForAllValues:StringEquals": {"events:source": [EVENT_SOURCE]},
                    "StringEquals": {"events:detail-type": DETAIL_TYPE},
                },
            )
        )

        # Failures of both hops land here: EventBridge could not invoke the function, or the function failed three times.
        failed_shipments = _dead_letter_queue(self, "FailedShipments")

        log_group = logs.LogGroup(
            self, "ShipmentHandlerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # An explicit role instead of the managed basic-execution policy, which can write to every log group.
        role = iam.Role(
            self,
            "ShipmentHandlerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Shipment handler: write its own logs and traces, record failures in FailedShipments.",
        )
        log_group.grant_write(role)
        handler = lambda_.Function(
            self,
            "ShipmentHandler",
            role=role,
            log_group=log_group,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="shipment_handler.handler",
            # Plain source with no dependencies beyond the standard library: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            environment={"PRODUCER_ACCOUNT": routing.producer_account},
            retry_attempts=PROCESSING_RETRIES,
            max_event_age=PROCESSING_MAX_AGE,
            on_failure=destinations.SqsDestination(failed_shipments),
        )

        shipped_orders_rule = events.Rule(
            self,
            "ShippedOrdersRule",
            event_bus=consumer_bus,
            description=f"{DETAIL_TYPE} events forwarded from account {routing.producer_account} only.",
            # account is what stops this rule firing for the same event type put on the bus from anywhere else.
            event_pattern=shipped_orders(account=[routing.producer_account]),
            targets=[
                targets.LambdaFunction(
                    handler,
                    retry_attempts=DELIVERY_RETRIES,
                    max_event_age=DELIVERY_MAX_AGE,
                    dead_letter_queue=failed_shipments,
                )
            ],
        )

        ops = Operations(self, "Operations", "Cross-account routing: consumer alarms")
        ops.queue_not_empty(
            "FailedShipmentsAlarm",
            failed_shipments,
            "A forwarded shipment was not handled: EventBridge could not invoke ShipmentHandler, or it failed three times. "
            "Read the message in FailedShipments for the error, fix the cause, then replay it.",
        )
        ops.function_errors(
            "ShipmentHandlerErrorsAlarm",
            handler,
            "ShipmentHandler threw on a shipment (invalid detail, wrong account or a bug); Lambda retries twice, "
            "then records it in FailedShipments. Check ShipmentHandlerLogs.",
        )

        CfnOutput(self, "ConsumerBusArn", value=consumer_bus.event_bus_arn, description="The producer forwards to this ARN.")
        CfnOutput(self, "ShippedOrdersRuleArn", value=shipped_orders_rule.rule_arn)
        CfnOutput(self, "ShipmentHandlerLogGroup", value=log_group.log_group_name)
        CfnOutput(self, "FailedShipmentsUrl", value=failed_shipments.queue_url)
        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn)

        Validations.of(handler).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="An on-failure destination to the FailedShipments queue replaces the legacy function DLQ and also records the error.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
