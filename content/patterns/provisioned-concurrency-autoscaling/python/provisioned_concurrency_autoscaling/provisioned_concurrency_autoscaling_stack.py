"""An HTTP API in front of a Lambda alias whose provisioned concurrency follows a schedule and its utilisation."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from .operations import FIVE_MINUTE_SUM, alarm_on_any, create_alarm_topic, lambda_budget, monthly_budget_usd
from .warm_capacity import add_warm_capacity

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


class ProvisionedConcurrencyAutoscalingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        quote_logs = logs.LogGroup(self, "QuoteLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        role = iam.Role(
            self,
            "QuoteRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Shipping quote: write its own logs and traces, nothing else.",
        )
        quote_logs.grant_write(role)

        quote = lambda_.Function(
            self,
            "Quote",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="quote.handler",
            # The handler and its rate card, nothing else: no dependencies to bundle, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            # Provisioned concurrency is priced per GB-second: memory is the lever on its idle cost.
            memory_size=512,
            timeout=Duration.seconds(3),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=quote_logs,
        )

        # Callers reach the function only through this alias; it is what holds the warm environments.
        live = add_warm_capacity(self, quote.current_version)

        api = apigwv2.HttpApi(self, "Api", description="Shipping quotes from a Lambda alias kept warm.")
        api.add_routes(
            path="/quote",
            methods=[apigwv2.HttpMethod.GET],
            integration=integrations.HttpLambdaIntegration("QuoteIntegration", live),
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
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
        # Throttle the public endpoint: spillover beyond the warm pool runs on standard concurrency and is billed.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

        alarm_topic = create_alarm_topic(self)
        alarm_on_any(
            self,
            "QuoteErrorsAlarm",
            alarm_topic,
            metric=quote.metric_errors(**FIVE_MINUTE_SUM),
            description="The Quote function failed (crash, timeout or failed initialisation). Check QuoteLogs and roll back a bad deploy.",
        )
        alarm_on_any(
            self,
            "SpilloverAlarm",
            alarm_topic,
            metric=live.metric("ProvisionedConcurrencySpilloverInvocations", **FIVE_MINUTE_SUM),
            # A few minutes of spillover is target tracking catching up with a burst; fifteen is a pool that is too small.
            evaluation_periods=3,
            description=(
                "For 15 minutes requests to the live alias found no free provisioned environment and ran on standard concurrency, "
                "with cold starts. The ceiling is reached or the schedule floor is too low for this traffic."
            ),
        )
        alarm_on_any(
            self,
            "ApiServerErrorsAlarm",
            alarm_topic,
            metric=api.metric_server_error(**FIVE_MINUTE_SUM),
            description="The quote API answered 5xx. Check QuoteLogs for errors and the access log for the failing requests.",
        )
        lambda_budget(self, alarm_topic, monthly_budget_usd(self))

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET /quote?to=FR&weightKg=2.5 under this URL.")
        CfnOutput(self, "FunctionName", value=quote.function_name)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="The shipping quote is a public demo endpoint that reads no data; add a JWT or IAM authorizer before real use.",
            )
        )
        Validations.of(quote).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and sees its errors; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
