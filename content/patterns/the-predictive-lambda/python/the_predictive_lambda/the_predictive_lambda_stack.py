"""An HTTP API in front of a Lambda container image that classifies Iris flowers."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

# Where the Dockerfile, the handler and the trained weights live: the image's build context.
MODEL_DIR = Path(__file__).resolve().parent.parent / "model"


class ThePredictiveLambdaStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        log_group = logs.LogGroup(self, "PredictorLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # No managed policy: the basic execution policy would let it write to every log group.
        role = iam.Role(
            self,
            "PredictorRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Iris predictor: write its own logs and traces.",
        )
        log_group.grant_write(role)

        # The image is only built (by Docker, for arm64) when the asset is published at deploy
        # time; synth just copies the build context into cdk.out.
        predictor = lambda_.DockerImageFunction(
            self,
            "Predictor",
            description="Classifies an Iris flower from four measurements with a stdlib-only Python model.",
            code=lambda_.DockerImageCode.from_image_asset(str(MODEL_DIR), platform=ecr_assets.Platform.LINUX_ARM64),
            architecture=lambda_.Architecture.ARM_64,
            role=role,
            # Inference is a few dozen multiplications; 512 MB mainly buys a faster init.
            memory_size=512,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
        )

        api = apigwv2.HttpApi(self, "PredictionApi", description="POST four Iris measurements to /predict to get the species.")
        api.add_routes(
            path="/predict",
            methods=[apigwv2.HttpMethod.POST],
            integration=integrations.HttpLambdaIntegration("PredictorIntegration", predictor),
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
        # Bounds concurrency, and so the bill, for a public model endpoint.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=20, throttling_rate_limit=10)

        # Operations plumbing: one topic that every alarm of the stack notifies.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="Predictive Lambda alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        # Bad input is a 400 the handler returns; an error here is a crash, a timeout or a broken image or model file.
        cloudwatch.Alarm(
            self,
            "PredictorErrorsAlarm",
            metric=predictor.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "Predictor failed and callers got a 5XX. Read PredictorLogs: an error during init points at "
                "model.json or the image, a traceback at the handler."
            ),
        ).add_alarm_action(cw_actions.SnsAction(alarm_topic))

        CfnOutput(self, "PredictUrl", value=f"{api.api_endpoint}/predict", description="POST measurements here.")
        CfnOutput(self, "LogGroupName", value=log_group.log_group_name)

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
            Acknowledgment(id="AwsSolutions-APIG4", reason="A public demo of model serving; add a JWT or IAM authorizer before real use.")
        )
        Validations.of(predictor).acknowledge(
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and returns its errors to the caller; a DLQ only applies to async invokes.",
            )
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
