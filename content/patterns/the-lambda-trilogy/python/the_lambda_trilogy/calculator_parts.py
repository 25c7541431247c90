"""Everything the three stacks build the same way.

Kept in one place so that the only differences between the stacks are the ones the trilogy is about.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The same size for every function, so cold starts and durations compare fairly.
FUNCTION_MEMORY_MB = 256

# A stage-wide limit; each stack's functions can never see more than this.
STAGE_RATE_LIMIT = 50
STAGE_BURST_LIMIT = 100

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def calculator_function(scope: Construct, construct_id: str, handler: str, description: str) -> lambda_.Function:
    """A Python 3.13 function on arm64 with its own log group and its own role.

    The role may write to that log group and send X-Ray segments, nothing more.
    """
    log_group = logs.LogGroup(scope, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
    role = iam.Role(
        scope,
        f"{construct_id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"{construct_id}: write its own logs and traces.",
    )
    log_group.grant_write(role)

    fn = lambda_.Function(
        scope,
        construct_id,
        description=description,
        role=role,
        runtime=lambda_.Runtime.PYTHON_3_13,
        architecture=lambda_.Architecture.ARM_64,
        # Plain source, standard library only: no bundling, no Docker.
        code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
        handler=handler,
        memory_size=FUNCTION_MEMORY_MB,
        timeout=Duration.seconds(5),
        tracing=lambda_.Tracing.ACTIVE,
        logging_format=lambda_.LoggingFormat.JSON,
        log_group=log_group,
    )

    Validations.of(fn).acknowledge(
        Acknowledgment(id="AwsSolutions-L1", reason=PYTHON_RUNTIME_REASON),
        Acknowledgment(id="Serverless-LambdaLatestVersion", reason=PYTHON_RUNTIME_REASON),
        Acknowledgment(
            id="Serverless-LambdaDLQ",
            reason="API Gateway invokes the function synchronously and returns its errors to the caller; a DLQ only applies to async invokes.",
        ),
    )
    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
        )
    )
    return fn


def calculator_api_props(scope: Construct, construct_id: str, description: str) -> dict[str, Any]:
    """Regional REST API settings shared by all three stacks: JSON access logs, tracing, throttling."""
    access_logs = logs.LogGroup(
        scope, f"{construct_id}AccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
    )
    return {
        "description": description,
        "endpoint_types": [apigw.EndpointType.REGIONAL],
        # Execution logging needs an account-wide role setting; access logs cover this demo.
        "cloud_watch_role": False,
        "deploy_options": apigw.StageOptions(
            stage_name="prod",
            tracing_enabled=True,
            access_log_destination=apigw.LogGroupLogDestination(access_logs),
            # Every standard field; Python has to name them, TypeScript gets them all by default.
            access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                caller=True,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=True,
            ),
            throttling_rate_limit=STAGE_RATE_LIMIT,
            throttling_burst_limit=STAGE_BURST_LIMIT,
        ),
    }


# Method request parameters API Gateway must see before it invokes anything.
REQUIRED_OPERANDS = {"method.request.querystring.a": True, "method.request.querystring.b": True}


def operands_validator(api: apigw.RestApi) -> apigw.RequestValidator:
    """Refuses a request without both operands with a 400 from API Gateway itself, so no function runs."""
    return api.add_request_validator(
        "OperandsValidator",
        request_validator_name="operands",
        validate_request_parameters=True,
        # These GET routes have no body or model, so this checks nothing yet; it covers any body-taking route added later.
        validate_request_body=True,
    )


def acknowledge_demo_api_findings(api: apigw.IRestApi) -> None:
    """Findings that are the same on every calculator API and accepted for a public demo."""
    Validations.of(api).acknowledge(
        Acknowledgment(
            id="AwsSolutions-APIG4",
            reason="A public calculator demo, throttled at the stage; add an IAM or Cognito authorizer before real use.",
        ),
        Acknowledgment(
            id="AwsSolutions-COG4",
            reason="Callers are not Cognito users in this demo; the authorizer choice is left to the adopter (see APIG4).",
        ),
        Acknowledgment(
            id="AwsSolutions-APIG3",
            reason="WAF costs a fixed monthly fee per web ACL; the demo relies on stage throttling instead.",
        ),
        Acknowledgment(
            id="AwsSolutions-APIG6",
            reason="Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every request.",
        ),
    )


def server_error_alarm(scope: Construct, api: apigw.RestApi) -> cloudwatch.Alarm:
    """The stack's alarm topic, e-mailed when deployed with -c alarmEmail=..., and one alarm on the API's 5XX answers.

    A function error, timeout or crash reaches the caller as a 5XX in all three variants.
    """
    api_id = api.node.id
    topic = sns.Topic(scope, "AlarmTopic", display_name=f"{api_id} alarms", enforce_ssl=True)
    email = scope.node.try_get_context("alarmEmail")
    if isinstance(email, str) and email:
        Validations.of(topic.add_subscription(subscriptions.EmailSubscription(email))).acknowledge(
            Acknowledgment(
                id="Serverless-SNSRedrivePolicy",
                reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
            )
        )
    Validations.of(topic).acknowledge(
        Acknowledgment(
            id="AwsSolutions-SNS2",
            reason=(
                "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                "a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states."
            ),
        )
    )
    alarm = cloudwatch.Alarm(
        scope,
        "ServerErrorsAlarm",
        metric=api.metric_server_error(statistic="Sum", period=Duration.minutes(5)),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=(
            f"{api_id} answered a 5XX: a function failed, timed out or could not be invoked. "
            "Look for errors in the function log groups and for 5XX lines in the access log."
        ),
    )
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm
