"""Two services in one stack for a one-command demo.

Nothing crosses between them except events on the shared bus; each construct could become its
own stack, or its own account, unchanged.
"""

from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_events as events
from constructs import Construct

from serverless_microservices.inventory_service import InventoryService
from serverless_microservices.operations import Operations
from serverless_microservices.orders_service import OrdersService


class ServerlessMicroservicesStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The one shared piece: a custom bus both services publish to and subscribe on.
        bus = events.EventBus(self, "CommerceBus", description="Domain events between the Orders and Inventory services.")
        ops = Operations(self, "Operations")

        orders = OrdersService(self, "OrdersService", bus=bus, ops=ops)
        inventory = InventoryService(self, "InventoryService", bus=bus, ops=ops)

        CfnOutput(self, "OrdersApiUrl", value=orders.api_url, description="POST /orders, GET /orders/{orderId}")
        CfnOutput(self, "InventoryApiUrl", value=inventory.api_url, description="GET and PUT /stock/{sku}")
        CfnOutput(self, "EventBusName", value=bus.event_bus_name)
        CfnOutput(self, "AlarmTopicArn", value=ops.topic.topic_arn)
