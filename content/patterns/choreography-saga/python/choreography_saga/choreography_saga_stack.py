"""An order saga with no coordinator.

Orders, Payments and Inventory each own a table and a function, react to each other's events on one
bus, and undo their own work when a later step reports a failure.
"""

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_events as events
from constructs import Construct

from functions.contract import SOURCES

from .operations import Operations
from .saga_service import add_saga_service


class ChoreographySagaStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # A bus of its own keeps the saga's events, rules and permissions apart from the account's default bus.
        bus = events.EventBus(self, "ShopEvents", description="Order saga events: each service publishes its outcomes and subscribes to what it reacts to.")
        ops = Operations(self, "Operations")

        orders = add_saga_service(
            self,
            name="Orders",
            handler="orders.handler",
            source=SOURCES["orders"],
            # Starts the saga, confirms it, and cancels it on either failure.
            reacts_to=["OrderSubmitted", "StockReserved", "PaymentFailed", "PaymentRefunded"],
            table_actions=["dynamodb:PutItem", "dynamodb:UpdateItem"],
            bus=bus,
            ops=ops,
        )
        payments = add_saga_service(
            self,
            name="Payments",
            handler="payments.handler",
            source=SOURCES["payments"],
            # Charges, and refunds when Inventory reports no stock.
            reacts_to=["OrderPlaced", "StockFailed"],
            table_actions=["dynamodb:PutItem", "dynamodb:UpdateItem"],
            bus=bus,
            ops=ops,
        )
        inventory = add_saga_service(
            self,
            name="Inventory",
            handler="inventory.handler",
            source=SOURCES["inventory"],
            # The last step: it only ever creates a reservation, so it never updates one.
            reacts_to=["PaymentCompleted"],
            table_actions=["dynamodb:PutItem"],
            bus=bus,
            ops=ops,
        )

        CfnOutput(self, "EventBusName", value=bus.event_bus_name, description=f"Put {SOURCES['checkout']} OrderSubmitted events here.")
        CfnOutput(self, "OrdersTableName", value=orders.table.table_name)
        CfnOutput(self, "PaymentsTableName", value=payments.table.table_name)
        CfnOutput(self, "InventoryTableName", value=inventory.table.table_name)
        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn)
