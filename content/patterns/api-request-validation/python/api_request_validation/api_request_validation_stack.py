"""A REST API that validates bodies and query strings against models before a Lambda function prices a stay."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from api_request_validation.operations import FIVE_MINUTES, alarm_on_sum, create_alarm_topic
from api_request_validation.quote_request_model import QUOTE_REQUEST_SCHEMA, RATES_QUERY_PARAMETERS

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


def _compact(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))


# The body a caller gets when the model rejects a request. Gateway response templates only substitute
# variables (no VTL, so no escaping), and the validator's detail string quotes field names, so it would
# break the JSON; it goes to the access log line for this request id instead.
BAD_REQUEST_BODY_TEMPLATE = _compact({"message": "$context.error.message", "requestId": "$context.requestId"})

# The body for a missing required query string; the message names the missing parameters.
BAD_REQUEST_PARAMETERS_TEMPLATE = _compact({"message": "$context.error.message", "requestId": "$context.requestId"})


class ApiRequestValidationStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        function_logs = logs.LogGroup(self, "QuoteHandlerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the managed basic-execution policy, whose log rights reach every log group.
        role = iam.Role(
            self,
            "QuoteHandlerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Quote handler: write its own logs. It reads and writes no data store.",
        )
        function_logs.grant_write(role)

        quote_handler = lambda_.Function(
            self,
            "QuoteHandler",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="quote_handler.handler",
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
            "QuotesApi",
            description="Prices hotel stays; API Gateway validates every request before the function runs.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs the account-wide API Gateway CloudWatch role; access logs cover this demo.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                throttling_rate_limit=100,
                throttling_burst_limit=50,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                # One JSON line per request, with the validator's verdict for the ones it refused.
                access_log_format=apigw.AccessLogFormat.custom(
                    _compact(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            "errorType": "$context.error.responseType",
                            "validationError": "$context.error.validationErrorString",
                            "latencyMs": "$context.responseLatency",
                        }
                    )
                ),
            ),
        )

        # One validator checks both the body (against the method's model) and the required parameters.
        validator = api.add_request_validator(
            "ValidateBodyAndParameters",
            request_validator_name="body-and-parameters",
            validate_request_body=True,
            validate_request_parameters=True,
        )
        quote_request = api.add_model("QuoteRequestModel", content_type="application/json", model_name="QuoteRequest", schema=QUOTE_REQUEST_SCHEMA)
        # The test console is the only other caller a LambdaIntegration would let in; leave it out.
        integration = apigw.LambdaIntegration(quote_handler, allow_test_invoke=False)

        api.root.add_resource("quotes").add_method(
            "POST",
            integration,
            request_validator=validator,
            # API Gateway skips body validation when no model matches the Content-Type; $default closes that gap.
            request_models={"application/json": quote_request, "$default": quote_request},
        )
        api.root.add_resource("rates").add_method(
            "GET",
            integration,
            request_validator=validator,
            request_parameters={f"method.request.querystring.{name}": True for name in RATES_QUERY_PARAMETERS},
        )

        api.add_gateway_response(
            "BadRequestBody",
            type=apigw.ResponseType.BAD_REQUEST_BODY,
            status_code="400",
            response_headers={"Content-Type": "'application/json'"},
            templates={"application/json": BAD_REQUEST_BODY_TEMPLATE},
        )
        api.add_gateway_response(
            "BadRequestParameters",
            type=apigw.ResponseType.BAD_REQUEST_PARAMETERS,
            status_code="400",
            response_headers={"Content-Type": "'application/json'"},
            templates={"application/json": BAD_REQUEST_PARAMETERS_TEMPLATE},
        )

        # Operations: requests the validator refuses are 4xx by design; a 5xx or a function error is ours.
        alarm_topic = create_alarm_topic(self, "Request validation alarms")
        alarm_on_sum(
            self,
            "ApiServerErrorsAlarm",
            alarm_topic,
            api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
            1,
            "The quotes API answered 5xx. Check QuoteHandlerLogs and the access log for the failing requests.",
        )
        alarm_on_sum(
            self,
            "QuoteHandlerErrorsAlarm",
            alarm_topic,
            quote_handler.metric_errors(statistic=cloudwatch.Stats.SUM, period=FIVE_MINUTES),
            1,
            "The QuoteHandler function failed (timeout, crash or bad deploy). Check QuoteHandlerLogs and roll back a bad deploy.",
        )

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.url, description="POST quotes and GET rates under this URL.")

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="A public demo of request validation; put an IAM, Cognito or Lambda authorizer in front before real use.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling and the validator instead.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason=(
                    "Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request "
                    "and each validation error."
                ),
            ),
        )
        Validations.of(quote_handler).acknowledge(
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
