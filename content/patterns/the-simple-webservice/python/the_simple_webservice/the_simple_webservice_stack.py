"""An HTTP API in front of a Lambda hit counter backed by DynamoDB."""

import json
from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"


class TheSimpleWebserviceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

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
            description="Hit counter: write its own logs, add to the hits table.",
        )
        function_logs.grant_write(role)

        hit_counter = lambda_.Function(
            self,
            "HitCounter",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="hit_counter.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
            environment={"HITS_TABLE_NAME": hits.table_name},
        )
        # Least privilege: the function only ever adds to a counter.
        hits.grant(hit_counter, "dynamodb:UpdateItem")

        api = apigwv2.HttpApi(
            self,
            "Api",
            description="Counts hits per path.",
            default_integration=integrations.HttpLambdaIntegration("HitCounterIntegration", hit_counter),
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
        # Throttle the public endpoint so a flood cannot run up the bill or the table.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

        # Operations: the function answers 500 itself when DynamoDB fails, so Lambda Errors alone
        # would miss that; the API's 5xx count catches both kinds of failure.
        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="The Simple Webservice alarms", enforce_ssl=True)
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
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                'The hit counter API answered 5xx. Search HitCounterLogs for "hit count failed" (DynamoDB errors) '
                "and the access log for the failing requests."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "HitCounterErrorsAlarm",
            metric=hit_counter.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The HitCounter function failed (timeout, crash or bad deploy). Check HitCounterLogs and roll back a bad deploy.",
        ).add_alarm_action(notify)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="Call any path under this URL.")
        CfnOutput(self, "TableName", value=hits.table_name)

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="The hit counter is a public demo endpoint; add a JWT or IAM authorizer before real use.",
            )
        )
        Validations.of(hit_counter).acknowledge(
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
            )
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
