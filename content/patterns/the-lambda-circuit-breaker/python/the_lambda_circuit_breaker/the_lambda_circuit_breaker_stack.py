"""An HTTP API whose Lambda wraps a flaky downstream in a circuit breaker kept in DynamoDB."""

import json
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlparse

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from functions.state_log import OPENED_PHRASE

from .operations import Operations

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The breaker's settings, passed to the Caller and pinned by the tests.
BREAKER = {
    "failure_threshold": 3,
    "success_threshold": 2,
    "open_timeout_ms": 15_000,
    "call_timeout_ms": 2_000,
}

RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


def _number_text(value: float) -> str:
    """The number as the TypeScript app writes it: 1, not 1.0."""
    return str(int(value)) if value.is_integer() else str(value)


class TheLambdaCircuitBreakerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # `-c downstreamUrl=https://...` guards a real service; `-c failureRate=0.2` tunes the stand-in.
        downstream_url: Optional[str] = self.node.try_get_context("downstreamUrl")
        raw_rate = self.node.try_get_context("failureRate")
        try:
            failure_rate = float("0.5" if raw_rate is None else raw_rate)
        except (TypeError, ValueError):
            failure_rate = float("nan")
        if not 0 <= failure_rate <= 1:
            raise ValueError(f"failureRate must be between 0 and 1, got {raw_rate}")

        # One item per circuit, shared by every execution environment of the Caller.
        state = dynamodb.TableV2(
            self,
            "BreakerState",
            partition_key=dynamodb.Attribute(name="circuitId", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            removal_policy=RemovalPolicy.DESTROY,
        )

        environment = {
            "STATE_TABLE_NAME": state.table_name,
            "CIRCUIT_ID": urlparse(downstream_url).netloc if downstream_url else "recommendations",
            **({"DOWNSTREAM_URL": downstream_url} if downstream_url else {}),
            "FAILURE_THRESHOLD": str(BREAKER["failure_threshold"]),
            "SUCCESS_THRESHOLD": str(BREAKER["success_threshold"]),
            "OPEN_TIMEOUT_MS": str(BREAKER["open_timeout_ms"]),
            "CALL_TIMEOUT_MS": str(BREAKER["call_timeout_ms"]),
        }
        caller = self._breaker_function(
            "Caller",
            "caller.handler",
            description="Calls the recommendation service through a DynamoDB-backed circuit breaker, with a fallback.",
            # The downstream call's timeout plus a read and a write on each side of it.
            timeout=Duration.seconds(6),
            environment=environment,
        )
        # Strongly consistent reads and conditional puts of one item: nothing else.
        state.grant(caller, "dynamodb:GetItem", "dynamodb:PutItem")

        downstream = self._breaker_function(
            "Downstream",
            "downstream.handler",
            description="A stand-in recommendation service that fails a configurable share of calls.",
            timeout=Duration.seconds(10),
            environment={"FAILURE_RATE": _number_text(failure_rate), "STALL_MS": "5000"},
        )

        api = apigwv2.HttpApi(self, "Api", description="Recommendations behind a Lambda circuit breaker.")
        api.add_routes(path="/", methods=[apigwv2.HttpMethod.GET], integration=integrations.HttpLambdaIntegration("CallerIntegration", caller))
        api.add_routes(
            path="/downstream",
            methods=[apigwv2.HttpMethod.GET],
            integration=integrations.HttpLambdaIntegration("DownstreamIntegration", downstream),
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
                },
                separators=(",", ":"),
            ),
        )
        # Also the ceiling on how hard the Caller can ever push the downstream service.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=40, throttling_rate_limit=20)

        # Someone is told when the downstream service starts failing: every CLOSED -> OPEN or HALF_OPEN -> OPEN
        # line in the Caller's log counts once, and the alarm fires on the first. The Caller's own errors
        # (its answers are 500s then, not fallbacks) have an alarm too.
        ops = Operations(self, "Operations")
        opened = logs.MetricFilter(
            self,
            "CircuitOpenedFilter",
            log_group=caller.log_group,
            filter_pattern=logs.FilterPattern.all_terms(OPENED_PHRASE),
            metric_namespace=f"CircuitBreaker/{self.stack_name}",
            metric_name="CircuitOpened",
            metric_value="1",
        )
        ops.count_at_least_one(
            "CircuitOpenedAlarm",
            opened.metric(statistic="Sum", period=Duration.minutes(5)),
            "The circuit opened: the downstream service failed three calls in a row and callers are getting the fallback list. "
            "Check the downstream service; the circuit closes by itself after two good trial calls.",
        )
        ops.function_errors(
            "CallerErrorsAlarm",
            caller,
            "The Caller itself failed, so clients got a 500 instead of recommendations or the fallback. Check its log.",
        )

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET / for recommendations through the breaker.")
        CfnOutput(self, "TableName", value=state.table_name)
        CfnOutput(self, "CallerLogGroup", value=caller.log_group.log_group_name)

        Validations.of(api).acknowledge(
            Acknowledgment(id="AwsSolutions-APIG4", reason="A public demo endpoint; add a JWT or IAM authorizer before real use.")
        )
        for fn in (caller, downstream):
            Validations.of(fn).acknowledge(
                Acknowledgment(
                    id="Serverless-LambdaDLQ",
                    reason="API Gateway invokes the function synchronously and receives its errors; a DLQ only applies to asynchronous invokes.",
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
