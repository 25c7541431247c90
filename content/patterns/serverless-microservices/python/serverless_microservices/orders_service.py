"""The Orders service: its own API, functions, table and dead-letter queue."""

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

INVENTORY_SOURCE = "shop.inventory"
ORDERS_SOURCE = "shop.orders"
STOCK_RESERVED = "StockReserved"
STOCK_UNAVAILABLE = "StockUnavailable"


class OrdersService(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, bus: events.IEventBus, ops: Operations) -> None:
        super().__init__(scope, construct_id)

        self.table = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )
        environment = {"ORDERS_TABLE_NAME": self.table.table_name, "EVENT_BUS_NAME": bus.event_bus_name}

        place_order = service_function(self, "PlaceOrder", "place_order.handler", "Place order: store it, publish OrderPlaced.", environment=environment)
        # Store the order, undo it if publishing fails; publish only to the shared bus, only as Orders.
        self.table.grant(place_order, "dynamodb:PutItem", "dynamodb:DeleteItem")
        grant_publish_as(bus, place_order, ORDERS_SOURCE)
        get_order = service_function(
            self, "GetOrder", "get_order.handler", "Get order: read one order.", environment={"ORDERS_TABLE_NAME": self.table.table_name}
        )
        self.table.grant(get_order, "dynamodb:GetItem")
        acknowledge_synchronous(place_order)
        acknowledge_synchronous(get_order)

        api = service_api(self, "OrdersApi", "Orders service: place and read orders.")
        api.add_routes(path="/orders", methods=[apigwv2.HttpMethod.POST], integration=integrations.HttpLambdaIntegration("PlaceOrderIntegration", place_order))
        api.add_routes(path="/orders/{orderId}", methods=[apigwv2.HttpMethod.GET], integration=integrations.HttpLambdaIntegration("GetOrderIntegration", get_order))
        self.api_url = api.api_endpoint

        dead_letters = dead_letter_queue(self, "OrdersDeadLetters")
        _, consumer = event_consumer(
            self,
            rule_id="StockOutcomeRule",
            function_id="RecordStockOutcome",
            handler="record_stock_outcome.handler",
            description="Orders: apply Inventory's reservation outcome to the order.",
            bus=bus,
            event_pattern=events.EventPattern(source=[INVENTORY_SOURCE], detail_type=[STOCK_RESERVED, STOCK_UNAVAILABLE]),
            dead_letters=dead_letters,
            environment={"ORDERS_TABLE_NAME": self.table.table_name},
        )
        # A conditional update from PLACED: the only write this consumer can make.
        self.table.grant(consumer, "dynamodb:UpdateItem")

        ops.alarm_on_any(
            self,
            "OrdersApiServerErrorsAlarm",
            api.metric_server_error(**FIVE_MINUTE_SUM),
            'The Orders API answered 5xx. A 503 from POST /orders means OrderPlaced could not be published; search PlaceOrderLogs for "orphaned order".',
        )
        ops.alarm_on_any(
            self,
            "RecordStockOutcomeErrorsAlarm",
            consumer.metric_errors(**FIVE_MINUTE_SUM),
            "RecordStockOutcome failed on an Inventory outcome; Lambda retries it twice, then parks it in OrdersDeadLetters.",
        )
        ops.alarm_on_any(
            self,
            "OrdersDeadLettersAlarm",
            dead_letters.metric_approximate_number_of_messages_visible(**ONE_MINUTE_MAX),
            "An Inventory outcome was never applied to its order. Read OrdersDeadLetters, fix the cause, then redrive; the consumer ignores duplicates.",
        )
