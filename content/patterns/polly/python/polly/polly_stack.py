"""An HTTP API in front of one Lambda function that translates text and reads it aloud as MP3."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Both services bill per character, so the public endpoint is throttled hard.
THROTTLE_RATE_LIMIT = 5
THROTTLE_BURST_LIMIT = 10


class PollyStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        function_logs = logs.LogGroup(self, "SpeakerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            "SpeakerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Speaker: translate text, synthesise speech, write its own logs and traces.",
        )
        function_logs.grant_write(role)
        # Exactly the two calls the function makes. Neither action has a resource to scope a
        # plain call to (Polly only names lexicons, Translate only custom terminologies).
        role.add_to_policy(iam.PolicyStatement(actions=["translate:TranslateText", "polly:SynthesizeSpeech"], resources=["*"]))

        speaker = lambda_.Function(
            self,
            "Speaker",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="speaker.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=512,
            # Translation plus synthesis of 1,500 characters takes a few seconds; HTTP APIs wait 30 at most.
            timeout=Duration.seconds(20),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
        )

        api = apigwv2.HttpApi(self, "SpeechApi", description="Translates text and reads it aloud as MP3.")
        api.add_routes(
            path="/speech",
            methods=[apigwv2.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration("SpeakerIntegration", speaker),
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
                    "responseLength": "$context.responseLength",
                },
                separators=(",", ":"),
            ),
        )
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(
            throttling_rate_limit=THROTTLE_RATE_LIMIT, throttling_burst_limit=THROTTLE_BURST_LIMIT
        )

        # Operations plumbing: one topic that every alarm of the stack notifies.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="Polly alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)

        # The handler turns service failures into 4XX/5XX answers, so Lambda errors mean a crash or a timeout.
        cloudwatch.Alarm(
            self,
            "SpeakerErrorsAlarm",
            metric=speaker.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "Speaker crashed or timed out. Search SpeakerLogs for the request id and errorName; "
                "a timeout means translation plus synthesis took over 20 seconds."
            ),
        ).add_alarm_action(notify)
        # 500 (unexpected failure) and 503 (Translate or Polly throttled) both count here.
        cloudwatch.Alarm(
            self,
            "SpeechApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic="Sum", period=Duration.minutes(5)),
            threshold=5,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "SpeechApi answered 5 or more 5XX in 5 minutes. Check SpeakerLogs: ThrottlingException or "
                "TooManyRequestsException means a Translate or Polly quota; anything else is a bug or an outage."
            ),
        ).add_alarm_action(notify)

        CfnOutput(self, "SpeechUrl", value=f"{api.api_endpoint}/speech", description="POST JSON here; MP3 comes back.")
        CfnOutput(self, "SpeakerLogGroup", value=function_logs.log_group_name)

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="A public demo endpoint, throttled to 5 requests per second; add a JWT or IAM authorizer before real use.",
            )
        )
        Validations.of(speaker).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and returns its errors; a DLQ only serves async invokes.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "X-Ray segments, translate:TranslateText and polly:SynthesizeSpeech have no resource to scope a plain call to; "
                    "the actions themselves are the limit."
                ),
            )
        )
