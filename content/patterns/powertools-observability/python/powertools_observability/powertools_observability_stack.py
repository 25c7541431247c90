"""An order API (HTTP API -> Lambda -> DynamoDB) instrumented with Powertools, and the monitoring built on it."""

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, AssetHashType, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from functions.telemetry import DEFAULT_SERVICE_NAME, METRICS_NAMESPACE

from .bundling import powertools_bundling
from .order_monitoring import OrderMonitoring

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Settings the function reads through Powertools; the tests read them back from the template.
LOG_LEVEL = "INFO"
# One invocation in ten logs at DEBUG: detail to compare against, at a tenth of the cost.
DEBUG_SAMPLE_RATE = 0.1

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class PowertoolsObservabilityStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        service_name = str(self.node.try_get_context("serviceName") or DEFAULT_SERVICE_NAME)

        orders = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # Demo data: nothing is left behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        function_logs = logs.LogGroup(self, "PlaceOrderLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        # A hand-written role: its own log group, one table action, X-Ray. Metrics need no
        # permission at all: the EMF lines are turned into metrics by CloudWatch Logs.
        role = iam.Role(
            self,
            "PlaceOrderRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Place order: write its own logs, put new orders, send traces.",
        )
        function_logs.grant_write(role)

        place_order = lambda_.Function(
            self,
            "PlaceOrder",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="place_order.handler",
            # Handler modules plus pinned Powertools wheels, installed by pip on this machine.
            # Hashed by the bundle's content, so a change of pinned package changes the asset too.
            code=lambda_.Code.from_asset(
                str(FUNCTIONS),
                exclude=["__pycache__", "*.pyc"],
                bundling=powertools_bundling(FUNCTIONS),
                asset_hash_type=AssetHashType.OUTPUT,
            ),
            memory_size=512,
            timeout=Duration.seconds(6),
            tracing=lambda_.Tracing.ACTIVE,
            # Powertools writes its own JSON lines to stdout, the EMF lines among them, so Lambda's
            # log format stays the default: Lambda passes those lines through untouched.
            log_group=function_logs,
            environment={
                "ORDERS_TABLE_NAME": orders.table_name,
                "POWERTOOLS_SERVICE_NAME": service_name,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "LOG_LEVEL": LOG_LEVEL,
                "POWERTOOLS_LOGGER_SAMPLE_RATE": str(DEBUG_SAMPLE_RATE),
                # Responses hold customer orders; keep them out of trace metadata.
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
            },
        )
        orders.grant(place_order, "dynamodb:PutItem")

        api = apigwv2.HttpApi(self, "Api", description="Order API instrumented with Powertools for AWS Lambda.")
        api.add_routes(
            path="/orders",
            methods=[apigwv2.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration("PlaceOrderIntegration", place_order),
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            # requestId is the function's api_request_id log key: one join from the edge to the code.
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "ip": "$context.identity.sourceIp",
                    "method": "$context.httpMethod",
                    "path": "$context.path",
                    "status": "$context.status",
                    "latencyMs": "$context.responseLatency",
                },
                separators=(",", ":"),
            ),
        )
        # A public endpoint: bound how fast anyone can create orders, invocations and metrics.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Order service alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
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

        monitoring = OrderMonitoring(
            self, "Monitoring", service_name=service_name, api=api, fn=place_order, function_logs=function_logs, topic=alarm_topic
        )

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="POST orders to <ApiUrl>/orders.")
        CfnOutput(self, "TableName", value=orders.table_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "DashboardName", value=monitoring.dashboard.dashboard_name)
        CfnOutput(self, "FunctionLogGroup", value=function_logs.log_group_name)

        Validations.of(api).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason="The order API is a public demo endpoint; add a JWT or IAM authorizer before real use.")
        )
        Validations.of(place_order).acknowledge(
            *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.")
        )
