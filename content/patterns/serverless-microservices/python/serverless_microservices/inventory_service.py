"""The Inventory service: its own API, functions, table and dead-letter queue."""

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from constructs import Construct

from serverless_microservices.event_consumer import dead_letter_queue, event_consumer, grant_publish_as
from serverless_microservices.operations import FIVE_MINUTE_SUM, ONE_MINUTE_MAX, Operations
from serverless_microservices.service_api import service_api
from serverless_microservices.service_function import acknowledge_synchronous, service_function

ORDERS_SOURCE = "shop.orders"
INVENTORY_SOURCE = "shop.inventory"
ORDER_PLACED = "OrderPlaced"


class InventoryService(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, bus: events.IEventBus, ops: Operations) -> None:
        super().__init__(scope, construct_id)

        # Stock levels by SKU, and one reservation record per order under ORDER#<orderId>.
        self.table = dynamodb.TableV2(
            self,
            "Inventory",
            partition_key=dynamodb.Attribute(name="sku", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        stock_api = service_function(
            self, "StockApi", "stock_api.handler", "Stock API: read and set stock levels.", environment={"INVENTORY_TABLE_NAME": self.table.table_name}
        )
        self.table.grant(stock_api, "dynamodb:GetItem", "dynamodb:PutItem")
        acknowledge_synchronous(stock_api)
        api = service_api(self, "InventoryApi", "Inventory service: read and restock stock levels.")
        api.add_routes(
            path="/stock/{sku}",
            methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT],
            integration=integrations.HttpLambdaIntegration("StockApiIntegration", stock_api),
        )
        self.api_url = api.api_endpoint

        dead_letters = dead_letter_queue(self, "InventoryDeadLetters")
        _, consumer = event_consumer(
            self,
            rule_id="ReserveStockRule",
            function_id="ReserveStock",
            handler="reserve_stock.handler",
            description="Inventory: reserve stock for each placed order, once.",
            bus=bus,
            event_pattern=events.EventPattern(source=[ORDERS_SOURCE], detail_type=[ORDER_PLACED]),
            dead_letters=dead_letters,
            environment={"INVENTORY_TABLE_NAME": self.table.table_name, "EVENT_BUS_NAME": bus.event_bus_name},
        )
        # A transaction of a conditional put (the reservation) and conditional updates (the stock),
        # a consistent read of the reservation on redelivery, and publishing the outcome.
        self.table.grant(consumer, "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem")
        grant_publish_as(bus, consumer, INVENTORY_SOURCE)

        ops.alarm_on_any(
            self, "InventoryApiServerErrorsAlarm", api.metric_server_error(**FIVE_MINUTE_SUM), 'The Inventory API answered 5xx. Search StockApiLogs for "stock request failed".'
        )
        ops.alarm_on_any(
            self,
            "ReserveStockErrorsAlarm",
            consumer.metric_errors(**FIVE_MINUTE_SUM),
            "ReserveStock failed on an OrderPlaced event; Lambda retries it twice, then parks it in InventoryDeadLetters. Orders stay PLACED meanwhile.",
        )
        ops.alarm_on_any(
            self,
            "InventoryDeadLettersAlarm",
            dead_letters.metric_approximate_number_of_messages_visible(**ONE_MINUTE_MAX),
            "An order was never reserved or refused. Read InventoryDeadLetters, fix the cause, then redrive; the consumer reserves each order once.",
        )
