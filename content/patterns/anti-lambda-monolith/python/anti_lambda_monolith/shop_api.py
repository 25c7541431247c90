"""The shop's HTTP API, the same in both stacks: throttled, JSON access logs, public on purpose."""

import json

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_logs as logs
from constructs import Construct


def shop_api(scope: Construct, description: str) -> apigwv2.HttpApi:
    api = apigwv2.HttpApi(scope, "Api", description=description)
    access_logs = logs.LogGroup(scope, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
    stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=access_logs.log_group_arn,
        format=json.dumps(
            {
                "requestId": "$context.requestId",
                "ip": "$context.identity.sourceIp",
                "method": "$context.httpMethod",
                "path": "$context.path",
                # In the monolith every line says "ANY /{proxy+}"; in the fix it names the operation.
                "route": "$context.routeKey",
                "status": "$context.status",
                "latencyMs": "$context.responseLatency",
            },
            separators=(",", ":"),
        ),
    )
    # Throttle the public endpoint so a flood cannot run up the bill or the tables.
    stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=20, throttling_rate_limit=50)
    Validations.of(api).acknowledge(
        Acknowledgment(id="AwsSolutions-APIG4", reason="A public demo endpoint with stage throttling; add a JWT or IAM authorizer before real use.")
    )
    return api
