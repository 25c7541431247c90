"""A REST API whose Lambda stops calling a failing dependency, fed by failure events on EventBridge."""

import json
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlparse

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.breaker_events import CALLER_SOURCE, SERVICE_CALL_FAILED

from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# When the circuit opens, and how long a call may take before it counts as a failure.
BREAKER = {
    "failure_threshold": 3,
    "window_seconds": 60,
    "service_timeout_ms": 2000,
}

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def envelope_first(rule: events.Rule) -> None:
    """Writes the rule's pattern with source and detail-type first, as the TypeScript app does.

    jsii hands the EventPattern struct over with its keys in alphabetical order; EventBridge does not
    care, but the template should read the same in both languages.
    """
    cfn_rule = rule.node.default_child
    rendered = Stack.of(rule).resolve(cfn_rule.event_pattern)  # type: ignore[union-attr]
    order = ["source", "detail-type", *(key for key in rendered if key not in ("source", "detail-type"))]
    # Replaces the rule's lazy rendering; call this after the rule's pattern is complete.
    cfn_rule.event_pattern = {key: rendered[key] for key in order if key in rendered}  # type: ignore[union-attr]


class TheEventbridgeCircuitBreakerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Deploy with `-c serviceUrl=https://...` to guard a real dependency instead of the stand-in.
        service_url: Optional[str] = self.node.try_get_context("serviceUrl")
        service_name = urlparse(service_url).netloc if service_url else "unreliable-service"

        # One item per recent failure: partition by dependency, sort by time, expire after the window.
        failures = dynamodb.TableV2(
            self,
            "Failures",
            partition_key=dynamodb.Attribute(name="service", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="failedAt", type=dynamodb.AttributeType.STRING),
            time_to_live_attribute="expiresAt",
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        bus = events.EventBus(self, "BreakerBus", description="Failure events from the circuit breaker Caller.")

        caller = self._breaker_function(
            "Caller",
            "caller.handler",
            description="Checks the circuit, calls the dependency, and publishes an event when the call fails.",
            # Room for the dependency's timeout plus the DynamoDB query and the PutEvents call.
            timeout=Duration.seconds(6),
            environment={
                "FAILURES_TABLE_NAME": failures.table_name,
                "EVENT_BUS_NAME": bus.event_bus_name,
                "SERVICE_NAME": service_name,
                **({"SERVICE_URL": service_url} if service_url else {}),
                "SERVICE_TIMEOUT_MS": str(BREAKER["service_timeout_ms"]),
                "FAILURE_THRESHOLD": str(BREAKER["failure_threshold"]),
                "WINDOW_SECONDS": str(BREAKER["window_seconds"]),
            },
        )
        # The Caller only reads failures; it never writes them.
        failures.grant(caller, "dynamodb:Query")
        bus.grant_put_events_to(caller)

        recorder = self._breaker_function(
            "FailureRecorder",
            "failure_recorder.handler",
            description="Stores each ServiceCallFailed event as a failure item with a TTL.",
            timeout=Duration.seconds(5),
            environment={"FAILURES_TABLE_NAME": failures.table_name, "WINDOW_SECONDS": str(BREAKER["window_seconds"])},
            # A failure older than the window no longer counts, so retrying it longer is pointless.
            retry_attempts=2,
            max_event_age=Duration.seconds(BREAKER["window_seconds"]),
        )
        failures.grant(recorder, "dynamodb:PutItem")

        failure_rule = events.Rule(
            self,
            "FailureRule",
            event_bus=bus,
            description="Routes every failed dependency call to the FailureRecorder.",
            event_pattern=events.EventPattern(source=[CALLER_SOURCE], detail_type=[SERVICE_CALL_FAILED]),
            targets=[targets.LambdaFunction(recorder, retry_attempts=2, max_event_age=Duration.seconds(BREAKER["window_seconds"]))],
        )
        envelope_first(failure_rule)

        unreliable = self._breaker_function(
            "UnreliableService",
            "unreliable_service.handler",
            description="A stand-in dependency: half its calls fail at once or stall for four seconds.",
            timeout=Duration.seconds(10),
            environment={"FAILURE_RATE": "0.5", "STALL_MS": "4000"},
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "Api",
            description="Calls an unreliable dependency through an EventBridge-fed circuit breaker.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-wide API Gateway logging role is shared by every API in the region; leave it alone.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.OFF,
                throttling_rate_limit=20,
                throttling_burst_limit=40,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            "latencyMs": "$context.responseLatency",
                            "integrationLatencyMs": "$context.integration.latency",
                        },
                        separators=(",", ":"),
                    )
                ),
            ),
        )
        # GET methods carry no body, so checking it costs nothing; the query-string check is the one that bites.
        validator = api.add_request_validator("QueryValidator", validate_request_body=True, validate_request_parameters=True)
        fail_parameter = {"method.request.querystring.fail": False}
        api.root.add_method("GET", apigw.LambdaIntegration(caller), request_parameters=fail_parameter, request_validator=validator)
        api.root.add_resource("unreliable").add_method(
            "GET", apigw.LambdaIntegration(unreliable), request_parameters=fail_parameter, request_validator=validator
        )

        # Failure records have no DLQ (they are worthless after one window), so the alarms are how anyone learns
        # that some were lost and the breaker counted fewer failures than happened.
        ops = Operations(self, "Operations")
        ops.function_errors(
            "FailureRecorderErrorsAlarm",
            recorder,
            "The FailureRecorder could not store failure events; after two retries within 60 seconds they are dropped "
            "and the breaker undercounts. Check its log and the Failures table.",
        )
        ops.count_at_least_one(
            "FailureRuleFailedInvocationsAlarm",
            cloudwatch.Metric(
                namespace="AWS/Events",
                metric_name="FailedInvocations",
                dimensions_map={"EventBusName": bus.event_bus_name, "RuleName": failure_rule.rule_name},
                statistic="Sum",
                period=Duration.minutes(5),
            ),
            "EventBridge could not hand failure events to the FailureRecorder within 60 seconds and dropped them; "
            "the breaker undercounts. Check that the function and its permission exist.",
        )

        CfnOutput(self, "ApiUrl", value=api.url, description="GET here to call the dependency through the breaker.")
        CfnOutput(self, "TableName", value=failures.table_name)
        CfnOutput(self, "CallerLogGroup", value=caller.log_group.log_group_name)

        Validations.of(api).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason="A public demo endpoint; add an IAM, JWT or Lambda authorizer before real use."),
            Acknowledgment(id="AwsSolutions-COG4", reason="The demo has no user pool; callers are anonymous on purpose."),
        )
        Validations.of(api.deployment_stage).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="A WAF web ACL costs a fixed monthly fee the demo does not need; the stage throttle already limits abuse.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; "
                "access logs record every call.",
            ),
        )
        for fn in (caller, unreliable):
            Validations.of(fn).acknowledge(
                Acknowledgment(
                    id="Serverless-LambdaDLQ",
                    reason="API Gateway invokes the function synchronously and receives its errors; a DLQ only applies to asynchronous invokes.",
                )
            )
        Validations.of(recorder).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="A failure record is only useful inside the 60-second window; one redriven from a DLQ later would no longer count.",
            ),
            Acknowledgment(
                id="Serverless-LambdaAsyncFailureDestination",
                reason="A failure record is only useful inside the 60-second window, so an event that outlives its retries is dropped on purpose.",
            ),
        )
        Validations.of(failure_rule).acknowledge(
            Acknowledgment(
                id="Serverless-EventBusDLQ",
                reason="Delivery is retried for the 60-second window and no longer; a failure event kept past that would not change the breaker.",
            )
        )

    def _breaker_function(self, construct_id: str, handler: str, *, description: str, **props: Any) -> lambda_.Function:
        """A Python 3.13 function on arm64 with its own log group and its own role."""
        log_group = logs.LogGroup(self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        role = iam.Role(
            self,
            f"{construct_id}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{construct_id}: {description}",
        )
        log_group.grant_write(role)
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            description=description,
            **props,
        )
        Validations.of(fn).acknowledge(
            *(Acknowledgment(id=rule, reason=RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"))
        )
        return fn
