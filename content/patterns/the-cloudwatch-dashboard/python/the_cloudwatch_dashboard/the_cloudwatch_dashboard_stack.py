"""A hit counter service (HTTP API -> Lambda -> DynamoDB) watched by a CloudWatch dashboard and alarms."""

from pathlib import Path

from aws_cdk import Acknowledgment, Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from .service_monitoring import ServiceMonitoring

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

FUNCTION_TIMEOUT = Duration.seconds(5)

# Access-log line written by hand rather than with json.dumps so that status and latency
# stay numbers: Logs Insights can then sort and compare them as numbers.
ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","method":"$context.httpMethod",'
    '"path":"$context.path","status":$context.status,"latencyMs":$context.responseLatency}'
)

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheCloudwatchDashboardStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- The service being watched: HTTP API -> Lambda -> DynamoDB hit counter. ---

        hits = dynamodb.TableV2(
            self,
            "Hits",
            partition_key=dynamodb.Attribute(name="path", type=dynamodb.AttributeType.STRING),
            billing=dynamodb.Billing.on_demand(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True),
            # A demo stack should leave nothing behind on `cdk destroy`.
            removal_policy=RemovalPolicy.DESTROY,
        )

        function_logs = logs.LogGroup(self, "HitCounterLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        role = iam.Role(
            self,
            "HitCounterRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Hit counter: write its own logs and traces, add to the hits table.",
        )
        function_logs.grant_write(role)

        hit_counter = lambda_.Function(
            self,
            "HitCounter",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="hit_counter.handler",
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=FUNCTION_TIMEOUT,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
            environment={"HITS_TABLE_NAME": hits.table_name},
        )
        hits.grant(hit_counter, "dynamodb:UpdateItem")

        api = apigwv2.HttpApi(
            self,
            "Api",
            description="Counts visits per path; watched by the CloudWatch dashboard.",
            default_integration=integrations.HttpLambdaIntegration("HitCounterIntegration", hit_counter),
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(destination_arn=access_logs.log_group_arn, format=ACCESS_LOG_FORMAT)
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_rate_limit=100, throttling_burst_limit=50)

        # --- Where alarms go. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Hit counter alarms", enforce_ssl=True)
        # Optional: `cdk deploy -c alarmEmail=you@example.com` subscribes an address.
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )

        # --- Dashboard and alarms. ---

        monitoring = ServiceMonitoring(
            self,
            "Monitoring",
            api=api,
            fn=hit_counter,
            fn_timeout=FUNCTION_TIMEOUT,
            table=hits,
            topic=alarm_topic,
            access_logs=access_logs,
            function_logs=function_logs,
        )

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET any path under this URL.")
        CfnOutput(
            self,
            "DashboardUrl",
            value=(
                f"https://{Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region={Aws.REGION}"
                f"#dashboards:name={monitoring.dashboard.dashboard_name}"
            ),
        )
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="The hit counter is a public demo endpoint; add a JWT or IAM authorizer before real use.",
            )
        )
        Validations.of(stage).acknowledge(
            Acknowledgment(
                id="Serverless-APIGWStructuredLogging",
                reason=(
                    "Each access-log line is JSON; status and latency are left unquoted so they are numbers once API Gateway "
                    "fills them in, which the rule cannot see when it parses the unfilled template."
                ),
            )
        )
        Validations.of(hit_counter).acknowledge(
            Acknowledgment(id="AwsSolutions-L1", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(id="Serverless-LambdaLatestVersion", reason=PYTHON_RUNTIME_REASON),
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
        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
