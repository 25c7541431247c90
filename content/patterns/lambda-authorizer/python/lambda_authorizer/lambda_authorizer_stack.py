"""A REST API whose every method requires an RS256 JWT verified by a Lambda TOKEN authorizer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from functions.bearer_token import BEARER_TOKEN_PATTERN
from lambda_authorizer.gateway_responses import add_json_gateway_responses
from lambda_authorizer.idp_settings import idp_settings
from lambda_authorizer.pip_bundling import bundled_code

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# What the authorizer needs beyond the runtime, pinned, with what cryptography needs to load.
JWT_PACKAGES = ("PyJWT==2.15.1", "cryptography==51.0.1", "cffi==2.1.1", "pycparser==3.12")

# How long API Gateway reuses an authorizer decision for the same token, across every method.
AUTHORIZER_CACHE_TTL = Duration.minutes(5)

# Where the access-log metric filter counts the requests the authorizer could not decide.
METRIC_NAMESPACE = "LambdaAuthorizer"

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class LambdaAuthorizerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        idp = idp_settings(self.node)

        jwt_authorizer = self._lambda_function(
            "JwtAuthorizer",
            "jwt_authorizer.handler",
            bundled_code((FUNCTIONS / "jwt_authorizer.py", FUNCTIONS / "bearer_token.py"), JWT_PACKAGES),
            "JWT authorizer: write its own logs.",
            {"JWT_ISSUER": idp.issuer, "JWT_AUDIENCE": idp.audience, "JWKS_URI": idp.jwks_uri},
        )
        # Only the Python build is this heavy: the TypeScript one verifies with jose in a small bundle.
        Validations.of(jwt_authorizer).acknowledge(
            Acknowledgment(
                id="AntiPattern-LargeDeploymentPackage",
                reason=(
                    "About 14 MiB of the package is the compiled cryptography library that PyJWT needs to verify RS256 "
                    "signatures; the decision cache keeps cold starts off most requests. To avoid it, use the "
                    "TypeScript app or an HTTP API's built-in JWT authorizer."
                ),
            )
        )
        who_am_i = self._lambda_function(
            "WhoAmI",
            "who_am_i.handler",
            # Plain source, nothing beyond the runtime: ship only its own file.
            lambda_.Code.from_asset(str(FUNCTIONS), exclude=["*", "!who_am_i.py"]),
            "Protected backend: write its own logs.",
            {},
        )

        token_authorizer = apigw.TokenAuthorizer(
            self,
            "JwtTokenAuthorizer",
            handler=jwt_authorizer,
            identity_source=apigw.IdentitySource.header("Authorization"),
            # Checked by API Gateway before the function runs: a missing or malformed header is a free 401.
            validation_regex=BEARER_TOKEN_PATTERN,
            # The decision is cached by token, so a busy caller costs one verification per five minutes.
            results_cache_ttl=AUTHORIZER_CACHE_TTL,
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=f"{self.stack_name}-api",
            description="Every method requires a bearer JWT verified by the JwtAuthorizer function.",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # Execution logging needs an account-wide role setting; the access log records every decision.
            cloud_watch_role=False,
            # Deny by default: every method added to this API, now or later, goes through the authorizer.
            default_method_options=apigw.MethodOptions(authorizer=token_authorizer, authorization_type=apigw.AuthorizationType.CUSTOM),
            deploy_options=apigw.StageOptions(
                stage_name="v1",
                tracing_enabled=True,
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "apiId": "$context.apiId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            "responseType": "$context.error.responseType",
                            "principalId": "$context.authorizer.principalId",
                            "authorizerStatus": "$context.authorizer.status",
                            "authorizerLatencyMs": "$context.authorizer.latency",
                            "latencyMs": "$context.responseLatency",
                        },
                        separators=(",", ":"),
                    )
                ),
            ),
        )
        api.root.add_resource("me").add_method("GET", apigw.LambdaIntegration(who_am_i, allow_test_invoke=False))
        add_json_gateway_responses(api)

        self._add_alarms(api, access_logs)

        CfnOutput(self, "MeUrl", value=api.url_for_path("/me"), description="GET with Authorization: Bearer <JWT>.")
        CfnOutput(self, "JwtAuthorizerLogGroupName", value=jwt_authorizer.log_group.log_group_name)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason=(
                    "Callers carry tokens from any OpenID Connect provider, which a Cognito user pool authorizer cannot "
                    "verify; the Lambda authorizer guards every method instead."
                ),
            ),
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason="The one method takes no body or parameters; the authorizer validates the only input, the Authorization header.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG3",
                reason="WAF costs a fixed monthly fee per web ACL; stage throttling and the gateway-side token pattern bound the load instead.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason="Execution logging needs the account-wide API Gateway CloudWatch role; JSON access logs record every authorizer decision.",
            ),
        )

    def _lambda_function(
        self, construct_id: str, handler: str, code: lambda_.Code, description: str, environment: dict[str, str]
    ) -> lambda_.Function:
        """A Python function on arm64 with its own log group and a role that can write only there."""
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        # An explicit role instead of the AWS managed basic-execution policy, whose log permissions reach every log group.
        role = iam.Role(self, f"{construct_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
        log_group.grant_write(role)
        fn = lambda_.Function(
            self,
            construct_id,
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler=handler,
            code=code,
            memory_size=256,
            # Covers a cold start plus one key-set fetch, which gives up after two seconds.
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment=environment,
        )
        Validations.of(fn).acknowledge(
            *(Acknowledgment(id=rule, reason=PYTHON_RUNTIME_REASON) for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")),
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
        return fn

    def _add_alarms(self, api: apigw.RestApi, access_logs: logs.LogGroup) -> None:
        """One topic; an alarm when the authorizer cannot decide and one on any 5xx answer."""
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Lambda Authorizer alarms", enforce_ssl=True)
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
        notify = cw_actions.SnsAction(alarm_topic)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        # Rejected tokens are raised as Unauthorized, so the function's Errors metric counts every bad
        # caller on the internet. The access log knows the difference: count only undecided requests.
        logs.MetricFilter(
            self,
            "AuthorizerFailuresFilter",
            log_group=access_logs,
            filter_pattern=logs.FilterPattern.any(
                logs.FilterPattern.string_value("$.responseType", "=", "AUTHORIZER_FAILURE"),
                logs.FilterPattern.string_value("$.responseType", "=", "AUTHORIZER_CONFIGURATION_ERROR"),
            ),
            metric_namespace=METRIC_NAMESPACE,
            metric_name="AuthorizerFailures",
            metric_value="1",
            dimensions={"ApiId": "$.apiId"},
        )
        cloudwatch.Alarm(
            self,
            "AuthorizerFailuresAlarm",
            metric=cloudwatch.Metric(
                namespace=METRIC_NAMESPACE,
                metric_name="AuthorizerFailures",
                dimensions_map={"ApiId": api.rest_api_id},
                statistic=cloudwatch.Stats.SUM,
                period=Duration.minutes(5),
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The JWT authorizer could not decide (key set unreachable or invalid, timeout, crash), so callers got 500. "
                'Search JwtAuthorizerLogs for "authorizer failure" and check jwksUri.'
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The API answered 5xx. The access log responseType says whether the authorizer (AUTHORIZER_*) "
                "or the WhoAmI function failed."
            ),
        ).add_alarm_action(notify)
