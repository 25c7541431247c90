"""What both stacks share: the table, the function's role, log group and settings, and the public API.

The stacks differ only in how the function's code is packaged.
"""

import json
from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def products_table(scope: Construct) -> dynamodb.TableV2:
    return dynamodb.TableV2(
        scope,
        "Products",
        partition_key=dynamodb.Attribute(name="productId", type=dynamodb.AttributeType.STRING),
        billing=dynamodb.Billing.on_demand(),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        # A demo stack should leave nothing behind on `cdk destroy`.
        removal_policy=RemovalPolicy.DESTROY,
    )


def get_product_options(scope: Construct, products: dynamodb.TableV2) -> dict[str, Any]:
    """Everything about the GetProduct function except its code.

    An explicit role that may write its own logs and read one item at a time, JSON logs kept a month, arm64, X-Ray.
    """
    log_group = logs.LogGroup(scope, "GetProductLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    # An explicit role instead of the AWS managed basic-execution policy, whose log
    # permissions reach every log group in the account.
    role = iam.Role(
        scope,
        "GetProductRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="GetProduct: write its own logs, read products one at a time.",
    )
    log_group.grant_write(role)
    products.grant(role, "dynamodb:GetItem")
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
        )
    )
    return {
        "role": role,
        "architecture": lambda_.Architecture.ARM_64,
        "memory_size": 256,
        "timeout": Duration.seconds(5),
        "tracing": lambda_.Tracing.ACTIVE,
        "logging_format": lambda_.LoggingFormat.JSON,
        "log_group": log_group,
        "environment": {"PRODUCTS_TABLE_NAME": products.table_name},
    }


def acknowledge_python_runtime(function: lambda_.IFunction) -> None:
    Validations.of(function).acknowledge(
        *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
    )


def products_api(scope: Construct, get_product: lambda_.IFunction) -> apigwv2.HttpApi:
    """A public HTTP API with one route, GET /products/{productId}, throttled and access-logged."""
    api = apigwv2.HttpApi(scope, "Api", description="Looks up products by id.")
    api.add_routes(
        path="/products/{productId}",
        methods=[apigwv2.HttpMethod.GET],
        integration=integrations.HttpLambdaIntegration("GetProductIntegration", get_product),
    )
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
                "status": "$context.status",
                "latencyMs": "$context.responseLatency",
                "integrationLatencyMs": "$context.integrationLatency",
            },
            separators=(",", ":"),
        ),
    )
    # Throttle the public endpoint so a flood cannot run up the bill or the table.
    stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)
    Validations.of(api).acknowledge(
        Acknowledgment(
            id="AwsSolutions-APIG4",
            reason="The product lookup is a public demo endpoint; add a JWT or IAM authorizer before real use.",
        )
    )
    Validations.of(get_product).acknowledge(
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
        )
    )
    return api
