"""The public read side: two GET routes on an HTTP API, both answered by the query function."""

import json

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

# Stage-wide limits, module-level so the tests pin the numbers the stack uses.
READ_API_RATE_LIMIT = 50
READ_API_BURST_LIMIT = 100


def read_api(scope: Construct, queries: lambda_.IFunction) -> apigwv2.HttpApi:
    api = apigwv2.HttpApi(scope, "ReadApi", description="Reads the order view: one order, or a customer's orders by status.")
    integration = integrations.HttpLambdaIntegration("OrderQueriesIntegration", queries)
    api.add_routes(path="/orders/{orderId}", methods=[apigwv2.HttpMethod.GET], integration=integration)
    api.add_routes(path="/customers/{customerId}/orders", methods=[apigwv2.HttpMethod.GET], integration=integration)

    access_logs = logs.LogGroup(scope, "ReadApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    stage = api.default_stage.node.default_child  # type: ignore[union-attr]
    stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=access_logs.log_group_arn,
        format=json.dumps(
            {
                "requestId": "$context.requestId",
                "ip": "$context.identity.sourceIp",
                "routeKey": "$context.routeKey",
                "status": "$context.status",
                "integrationError": "$context.integrationErrorMessage",
                "latencyMs": "$context.responseLatency",
            },
            separators=(",", ":"),
        ),
    )
    # Every route shares one throttle, so a flood gets 429s from API Gateway before it can scale the function.
    stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(
        throttling_rate_limit=READ_API_RATE_LIMIT, throttling_burst_limit=READ_API_BURST_LIMIT
    )

    Validations.of(api).acknowledge(
        Acknowledgment(
            id="AwsSolutions-APIG4",
            reason="A public demo of the read side; add a JWT or IAM authorizer, and scope each caller to their own customerId, before real orders are served.",
        )
    )
    return api
