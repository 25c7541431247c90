"""THE FIX: one function per route.

API Gateway does the routing; each function gets the code, the role, the memory and the timeout of
its one operation.
"""

from aws_cdk import Acknowledgment, CfnOutput, Duration, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from anti_lambda_monolith.shop_api import shop_api
from anti_lambda_monolith.shop_function import shop_function
from anti_lambda_monolith.shop_tables import shop_tables


class SinglePurposeShopStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        tables = shop_tables(self)
        customers, orders = tables.customers, tables.orders
        api = shop_api(self, "The shop API, one single-purpose function per route.")
        customers_only = {"CUSTOMERS_TABLE_NAME": customers.table_name}

        # Each route: its own function, its own grant of exactly the actions its code calls, its own sizing.
        def route(construct_id: str, method: apigwv2.HttpMethod, path: str, fn: lambda_.Function) -> None:
            api.add_routes(path=path, methods=[method], integration=integrations.HttpLambdaIntegration(f"{construct_id}Integration", fn))

        create_customer = shop_function(
            self,
            "CreateCustomer",
            handler="create_customer.handler",
            description="POST /customers: writes one new customer.",
            memory_size=256,
            timeout=Duration.seconds(5),
            environment=customers_only,
        )
        customers.grant(create_customer, "dynamodb:PutItem")
        route("CreateCustomer", apigwv2.HttpMethod.POST, "/customers", create_customer)

        get_customer = shop_function(
            self,
            "GetCustomer",
            handler="get_customer.handler",
            description="GET /customers/{customerId}: reads one customer.",
            memory_size=256,
            timeout=Duration.seconds(3),
            environment=customers_only,
        )
        customers.grant(get_customer, "dynamodb:GetItem")
        route("GetCustomer", apigwv2.HttpMethod.GET, "/customers/{customerId}", get_customer)

        delete_customer = shop_function(
            self,
            "DeleteCustomer",
            handler="delete_customer.handler",
            description="DELETE /customers/{customerId}: deletes one customer.",
            memory_size=256,
            timeout=Duration.seconds(3),
            environment=customers_only,
        )
        customers.grant(delete_customer, "dynamodb:DeleteItem")
        route("DeleteCustomer", apigwv2.HttpMethod.DELETE, "/customers/{customerId}", delete_customer)

        place_order = shop_function(
            self,
            "PlaceOrder",
            handler="place_order.handler",
            description="POST /customers/{customerId}/orders: writes an order if the customer exists.",
            # The one transactional route gets the headroom the monolith gave every route.
            memory_size=512,
            timeout=Duration.seconds(10),
            environment={**customers_only, "ORDERS_TABLE_NAME": orders.table_name},
        )
        customers.grant(place_order, "dynamodb:ConditionCheckItem")
        orders.grant(place_order, "dynamodb:PutItem")
        route("PlaceOrder", apigwv2.HttpMethod.POST, "/customers/{customerId}/orders", place_order)

        # Operations: every handler turns its failures into a 500 and Lambda crashes or timeouts become
        # 5xx at the API, so one alarm on the API's 5xx count sees a failure of any route.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Single-purpose shop alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email.strip():
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email.strip()))).acknowledge(
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
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The shop API answered 5xx. The access log names the route; that route's own log group (CreateCustomerLogs, "
                'GetCustomerLogs, DeleteCustomerLogs or PlaceOrderLogs) holds the "request failed" line with the cause.'
            ),
        ).add_alarm_action(cw_actions.SnsAction(alarm_topic))

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="Base URL of the shop API.")
