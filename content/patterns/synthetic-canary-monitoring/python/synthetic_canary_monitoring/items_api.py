"""The API under watch: POST /items, GET and DELETE /items/{id}, one function, one table."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


@dataclass
class ItemsApi:
    table: dynamodb.TableV2
    fn: lambda_.Function
    role: iam.Role
    api: apigwv2.HttpApi


def items_api(scope: Construct) -> ItemsApi:
    table = dynamodb.TableV2(
        scope,
        "Items",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        billing=dynamodb.Billing.on_demand(),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
        # Canary items carry an expiry, so a run that dies before its DELETE leaves nothing behind for long.
        time_to_live_attribute="expiresAt",
        # A demo stack should leave nothing behind on `cdk destroy`.
        removal_policy=RemovalPolicy.DESTROY,
    )

    log_group = logs.LogGroup(scope, "ItemsFunctionLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    # An explicit role instead of the AWS managed basic-execution policy, whose
    # log permissions reach every log group in the account.
    role = iam.Role(
        scope,
        "ItemsFunctionRole",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description="Items function: write its own logs; put, get and delete items in the Items table.",
    )
    log_group.grant_write(role)

    fn = lambda_.Function(
        scope,
        "ItemsFunction",
        role=role,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        handler="items.handler",
        # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        memory_size=256,
        timeout=Duration.seconds(5),
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
        environment={"ITEMS_TABLE_NAME": table.table_name},
    )
    # Least privilege: the three calls the handler makes, on this table only.
    table.grant(fn, "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem")

    api = apigwv2.HttpApi(scope, "Api", description="Items API watched by the JourneyCanary.")
    integration = integrations.HttpLambdaIntegration("ItemsIntegration", fn)
    api.add_routes(path="/items", methods=[apigwv2.HttpMethod.POST], integration=integration)
    api.add_routes(path="/items/{id}", methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.DELETE], integration=integration)

    access_logs = logs.LogGroup(scope, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
    stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
        destination_arn=access_logs.log_group_arn,
        format=json.dumps(
            {
                "requestId": "$context.requestId",
                "ip": "$context.identity.sourceIp",
                "userAgent": "$context.identity.userAgent",
                "routeKey": "$context.routeKey",
                "status": "$context.status",
                "latencyMs": "$context.responseLatency",
                "integrationError": "$context.integrationErrorMessage",
            },
            separators=(",", ":"),
        ),
    )
    # Throttle the public endpoint so a flood cannot run up the bill or the table.
    stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

    return ItemsApi(table=table, fn=fn, role=role, api=api)
