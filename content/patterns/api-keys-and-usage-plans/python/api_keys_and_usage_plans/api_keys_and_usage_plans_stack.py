"""A REST API that needs an API key on every method and meters each key by the usage plan of its tier."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from api_keys_and_usage_plans.operations import FIVE_MINUTES, alarm_on_sum, create_alarm_topic
from api_keys_and_usage_plans.usage_tiers import HISTORY_METHOD_PATH, STAGE_BURST_LIMIT, STAGE_RATE_LIMIT, TIERS

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


def _compact(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))


# Bodies for the answers API Gateway gives at each limit; errorType tells a client which one it hit.
LIMIT_RESPONSES = {
    "INVALID_API_KEY": ("403", "Send a valid API key in the x-api-key header."),
    "THROTTLED": ("429", "Too many requests for this key, method or stage; retry with backoff."),
    "QUOTA_EXCEEDED": ("429", "This API key has used its quota for the current period."),
}


def limit_response_template(message: str) -> str:
    return _compact({"message": message, "errorType": "$context.error.responseType", "requestId": "$context.requestId"})


# Every other 4xx API Gateway raises itself, in the same JSON shape with API Gateway's own message.
# Whatever response type a request without any x-api-key header is classed as, its 403 is JSON too.
DEFAULT_4XX_TEMPLATE = limit_response_template("$context.error.message")


class ApiKeysAndUsagePlansStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        function_logs = logs.LogGroup(self, "ForecastHandlerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the managed basic-execution policy, whose log rights reach every log group.
        role = iam.Role(
            self,
            "ForecastHandlerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Forecast handler: write its own logs. It reads and writes no data store.",
        )
        function_logs.grant_write(role)

        forecast_handler = lambda_.Function(
            self,
            "ForecastHandler",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="forecast_handler.handler",
            # Standard library only: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "ForecastApi",
            description="Sells forecasts in tiers: every method needs an API key, and each key is metered by its usage plan.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs the account-wide API Gateway CloudWatch role; access logs cover this demo.
            cloud_watch_role=False,
            # Every method, now and later, requires a key: a usage plan can only meter requests that carry one.
            default_method_options=apigw.MethodOptions(api_key_required=True),
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                # A backstop for all keys together; each plan below limits every key further.
                throttling_rate_limit=STAGE_RATE_LIMIT,
                throttling_burst_limit=STAGE_BURST_LIMIT,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                # The key id (never its value) on every line, so usage and refusals can be traced to a consumer.
                access_log_format=apigw.AccessLogFormat.custom(
                    _compact(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "apiKeyId": "$context.identity.apiKeyId",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            "errorType": "$context.error.responseType",
                            "latencyMs": "$context.responseLatency",
                        }
                    )
                ),
            ),
        )

        integration = apigw.LambdaIntegration(forecast_handler, allow_test_invoke=False)
        forecast = api.root.add_resource("forecasts").add_resource("{city}")
        forecast.add_method("GET", integration)
        history = forecast.add_resource("history").add_method("GET", integration)
        if history.resource.path != HISTORY_METHOD_PATH:
            raise ValueError(f"history lives at {history.resource.path}")

        # One plan per tier, one generated demo key per plan. No key value appears in the code or the
        # template: API Gateway generates it, and `aws apigateway get-api-key --include-value` reads it.
        for tier in TIERS:
            plan = api.add_usage_plan(
                f"{tier.id}Plan",
                description=tier.description,
                throttle=apigw.ThrottleSettings(rate_limit=tier.rate_limit, burst_limit=tier.burst_limit),
                quota=apigw.QuotaSettings(limit=tier.quota_limit, period=tier.quota_period),
                api_stages=[
                    apigw.UsagePlanPerApiStage(
                        api=api,
                        stage=api.deployment_stage,
                        throttle=[
                            apigw.ThrottlingPerMethod(
                                method=history,
                                throttle=apigw.ThrottleSettings(rate_limit=tier.history_rate_limit, burst_limit=tier.history_burst_limit),
                            )
                        ],
                    )
                ],
            )
            key = apigw.ApiKey(
                self,
                f"{tier.id}DemoKey",
                description=f"Demo consumer on the {tier.id} plan; issue one key per consumer in real use.",
                enabled=True,
            )
            plan.add_api_key(key)
            CfnOutput(
                self,
                f"{tier.id}KeyId",
                value=key.key_id,
                description="Read the key value with: aws apigateway get-api-key --include-value --api-key <this id>",
            )

        for response_type, (status_code, message) in LIMIT_RESPONSES.items():
            api.add_gateway_response(
                response_type,
                type=apigw.ResponseType.of(response_type),
                status_code=status_code,
                response_headers={"Content-Type": "'application/json'"},
                templates={"application/json": limit_response_template(message)},
            )
        # No status code: each 4xx keeps its own, only the body becomes JSON.
        api.add_gateway_response(
            "DEFAULT_4XX",
            type=apigw.ResponseType.DEFAULT_4_XX,
            response_headers={"Content-Type": "'application/json'"},
            templates={"application/json": DEFAULT_4XX_TEMPLATE},
        )

        # Operations. 5xx and function errors are ours; a burst of 4xx (bad keys, throttling, spent quotas)
        # is worth a look too: a leaked or misused key, or a consumer who has outgrown its tier.
        alarm_topic = create_alarm_topic(self, "API keys and usage plans alarms")
        alarm_on_sum(
            self,
            "ApiServerErrorsAlarm",
            alarm_topic,
            api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
            1,
            "The forecast API answered 5xx. Check ForecastHandlerLogs and the access log for the failing requests.",
        )
        alarm_on_sum(
            self,
            "ForecastHandlerErrorsAlarm",
            alarm_topic,
            forecast_handler.metric_errors(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
            1,
            "The ForecastHandler function failed (timeout, crash or bad deploy). Check ForecastHandlerLogs and roll back a bad deploy.",
        )
        alarm_on_sum(
            self,
            "ApiClientErrorsAlarm",
            alarm_topic,
            api.metric_client_error(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
            100,
            (
                "At least 100 4xx answers in five minutes. Group the access log by apiKeyId and errorType: INVALID_API_KEY means "
                "bad or leaked keys, THROTTLED or QUOTA_EXCEEDED a consumer outgrowing its plan."
            ),
        )

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.url, description="GET forecasts/{city} and forecasts/{city}/history with an x-api-key header.")

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="API keys identify and meter consumers; they are not authorization. Add an IAM, Cognito or Lambda authorizer before real use.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="Consumers are identified by API key, not Cognito users; the authorizer choice is left to the adopter (see APIG4).",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="WAF costs a fixed monthly fee per web ACL; the demo relies on stage and usage-plan throttling instead.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request with its key id.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="The only input is a city name and a day count in the path and query string, both checked by the function; there is no body to validate.",
            ),
        )
        Validations.of(forecast_handler).acknowledge(
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
