"""An HTTP API and a Lambda function sharing a message wall on an encrypted EFS file system."""

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_efs as efs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Where Lambda mounts the access point inside the function's file system.
MOUNT_PATH = "/mnt/msg"
# Files on EFS belong to this POSIX user, whoever the caller is.
APP_UID = "1001"


class TheEfsLambdaStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # The function only talks NFS to EFS inside the VPC, so isolated subnets are
        # enough: no internet gateway, no NAT gateway, no endpoints to pay for.
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)],
        )
        isolated = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        vpc.add_flow_log(
            "RejectedTraffic",
            traffic_type=ec2.FlowLogTrafficType.REJECT,
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)
            ),
        )

        function_sg = ec2.SecurityGroup(
            self,
            "FunctionSg",
            vpc=vpc,
            allow_all_outbound=False,
            description="Message wall function: may only reach the EFS mount targets over NFS",
        )
        file_system_sg = ec2.SecurityGroup(
            self,
            "FileSystemSg",
            vpc=vpc,
            allow_all_outbound=False,
            description="EFS mount targets: accept NFS from the message wall function only",
        )

        function_logs = logs.LogGroup(self, "MessageWallLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            "MessageWallRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Message wall: own logs, ENIs in the VPC, mount and write through one EFS access point.",
        )
        function_logs.grant_write(role)
        # What the AWS managed VPC access policy would grant, minus its log permissions.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ],
                resources=["*"],
            )
        )

        shared_files = efs.FileSystem(
            self,
            "SharedFiles",
            vpc=vpc,
            vpc_subnets=isolated,
            security_group=file_system_sg,
            encrypted=True,
            performance_mode=efs.PerformanceMode.GENERAL_PURPOSE,
            # Bursting has no per-GB I/O charge. Elastic would meter each read of a tiny
            # message file as at least 32 KiB, which adds up when every list reads dozens.
            throughput_mode=efs.ThroughputMode.BURSTING,
            enable_automatic_backups=True,
            removal_policy=RemovalPolicy.DESTROY,
            # CDK's own "no anonymous access" statement would let any IAM principal that
            # reaches a mount target write as root. The policy below is narrower and, being
            # a policy, already refuses anonymous NFS clients, so that statement is left out.
            allow_anonymous_access=True,
            file_system_policy=iam.PolicyDocument(
                statements=[
                    iam.PolicyStatement(
                        principals=[role],
                        actions=["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                        conditions={"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},
                    ),
                    iam.PolicyStatement(
                        effect=iam.Effect.DENY,
                        principals=[iam.AnyPrincipal()],
                        actions=["*"],
                        conditions={"Bool": {"aws:SecureTransport": "false"}},
                    ),
                ]
            ),
        )

        # Every request is mapped to one POSIX user and confined to /messages, which
        # EFS creates with these owners and permissions the first time it is used.
        messages_access_point = efs.AccessPoint(
            self,
            "MessagesAccessPoint",
            file_system=shared_files,
            path="/messages",
            posix_user=efs.PosixUser(uid=APP_UID, gid=APP_UID),
            create_acl=efs.Acl(owner_uid=APP_UID, owner_gid=APP_UID, permissions="750"),
        )

        message_wall = lambda_.Function(
            self,
            "MessageWall",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="message_wall.handler",
            # Plain source, standard library only: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
            vpc=vpc,
            vpc_subnets=isolated,
            security_groups=[function_sg],
            # Also adds ClientMount (for this access point only) and ClientWrite to the role,
            # opens NFS (2049) from function_sg to file_system_sg, and waits for the mount targets.
            filesystem=lambda_.FileSystem.from_efs_access_point(messages_access_point, MOUNT_PATH),
            environment={"MESSAGE_DIR": MOUNT_PATH},
        )

        api = apigwv2.HttpApi(self, "Api", description="A message wall kept on EFS.")
        integration = integrations.HttpLambdaIntegration("MessageWallIntegration", message_wall)
        # Anyone may read and post; wiping the wall takes a request signed with AWS credentials
        # (execute-api:Invoke in the caller's account), which API Gateway checks before Lambda runs.
        api.add_routes(path="/messages", methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration=integration)
        api.add_routes(
            path="/messages", methods=[apigwv2.HttpMethod.DELETE], integration=integration, authorizer=authorizers.HttpIamAuthorizer()
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "ip": "$context.identity.sourceIp",
                    "routeKey": "$context.routeKey",
                    "status": "$context.status",
                    "latencyMs": "$context.responseLatency",
                },
                separators=(",", ":"),
            ),
        )
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=20, throttling_rate_limit=50)

        # Operations: one topic for every alarm.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="The EFS Lambda alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)
        # File system failures become a 500 from the handler, which Lambda's Errors metric does
        # not count; the API's 5xx count sees those as well as crashes and timeouts.
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The message wall answered 5xx. Read the MessageWall function log: a failed mount, an EFS permission error "
                "or a timeout while the file system throttles."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "MessageWallErrorsAlarm",
            metric=message_wall.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The MessageWall function crashed or timed out. Check its log; timeouts after a burst often mean the file system "
                "has spent its burst credits."
            ),
        ).add_alarm_action(notify)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn, description="Alarms notify this topic.")
        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="GET, POST and DELETE /messages under this URL.")
        CfnOutput(self, "FileSystemId", value=shared_files.file_system_id)
        CfnOutput(self, "AccessPointId", value=messages_access_point.access_point_id)

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key "
                    "would cost $1 a month, and the notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="Reading and posting are a public demo, throttled and validated; DELETE requires IAM. Add a JWT authorizer before real use.",
            )
        )
        Validations.of(message_wall).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="API Gateway invokes the function synchronously and receives its errors; a DLQ only catches async invokes.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="VPC network interface actions and X-Ray segments take no narrower resource; ClientMount is limited to one access point by condition.",
            )
        )
