"""THE ANTI-PATTERN, kept to be read, synthesized and checked, never deployed by default."""

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from constructs import Construct

from anti_lambda_monolith.shop_api import shop_api
from anti_lambda_monolith.shop_function import shop_function
from anti_lambda_monolith.shop_tables import shop_tables


class MonolithShopStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        tables = shop_tables(self)

        # One function for the whole API, sized for its most demanding route (the order transaction).
        shop_api_function = shop_function(
            self,
            "ShopApi",
            handler="shop_monolith.handler",
            description="The whole shop API: routes every request in code.",
            memory_size=512,
            timeout=Duration.seconds(10),
            environment={"CUSTOMERS_TABLE_NAME": tables.customers.table_name, "ORDERS_TABLE_NAME": tables.orders.table_name},
        )
        # The grant a team writes when one role must serve every route, today's and next month's.
        tables.customers.grant_read_write_data(shop_api_function)
        tables.orders.grant_read_write_data(shop_api_function)

        api = shop_api(self, "The shop API as one Lambda monolith.")
        api.add_routes(
            path="/{proxy+}",
            methods=[apigwv2.HttpMethod.ANY],
            integration=integrations.HttpLambdaIntegration("ShopApiIntegration", shop_api_function),
        )

        CfnOutput(self, "ApiUrl", value=api.api_endpoint)
