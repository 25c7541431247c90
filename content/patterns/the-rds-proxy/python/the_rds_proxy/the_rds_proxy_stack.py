"""An HTTP API and a VPC Lambda reaching MySQL through RDS Proxy with IAM authentication."""

import json
import math
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from the_rds_proxy.pip_bundling import bundled_code

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The pure-Python MySQL driver the handler uses; pinned, and bundled with the function.
PYMYSQL = "PyMySQL==1.2.4"

DB_USER = "admin"
DB_NAME = "guestbook"
# Default monthly limit of the RDS cost budget, in US dollars; override with -c monthlyBudgetUsd=...
DEFAULT_MONTHLY_BUDGET_USD = 60


def monthly_budget_usd(raw: Any, default: float) -> float:
    """A positive number of US dollars from -c monthlyBudgetUsd=..., or the default."""
    try:
        value = float(default if raw is None else raw)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"monthlyBudgetUsd must be a positive number of US dollars, got {raw}")
    return int(value) if value.is_integer() else value


class TheRdsProxyStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Isolated subnets only: no internet gateway, no NAT gateway. Nothing in here
        # needs the internet, and the one AWS API the proxy calls gets an endpoint below.
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)],
        )
        isolated = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        # Rejected packets only: cheap, and exactly what shows a security group doing its job.
        vpc.add_flow_log(
            "RejectedTraffic",
            traffic_type=ec2.FlowLogTrafficType.REJECT,
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)
            ),
        )

        # Every group starts closed in both directions; the rules below open one hop each.
        def group(group_id: str, description: str) -> ec2.SecurityGroup:
            return ec2.SecurityGroup(self, group_id, vpc=vpc, description=description, allow_all_outbound=False)

        function_sg = group("FunctionSg", "Guestbook function: may only open MySQL connections to the proxy")
        proxy_sg = group("ProxySg", "RDS Proxy: accepts the function, talks to the database and Secrets Manager")
        database_sg = group("DatabaseSg", "MySQL instance: accepts connections from the proxy only")
        endpoint_sg = group("EndpointSg", "Secrets Manager endpoint: accepts HTTPS from the proxy only")

        secret = rds.DatabaseSecret(self, "DatabaseSecret", username=DB_USER)

        database = rds.DatabaseInstance(
            self,
            "Database",
            # MySQL 8.4 is the long-term-support line. CloudFormation accepts only full versions, so the
            # minor is pinned here and RDS must not move it behind the template's back: with automatic
            # minor upgrades on, the next deploy would ask for the older version and fail. Upgrade by
            # raising this constant and deploying (MySQL restarts once during that deploy).
            engine=rds.DatabaseInstanceEngine.mysql(version=rds.MysqlEngineVersion.VER_8_4_10),
            auto_minor_version_upgrade=False,
            instance_type=ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
            vpc=vpc,
            vpc_subnets=isolated,
            security_groups=[database_sg],
            credentials=rds.Credentials.from_secret(secret),
            database_name=DB_NAME,
            allocated_storage=20,
            storage_type=rds.StorageType.GP3,
            storage_encrypted=True,
            publicly_accessible=False,
            multi_az=False,
            backup_retention=Duration.days(1),
            deletion_protection=False,
            removal_policy=RemovalPolicy.DESTROY,
        )

        proxy = rds.DatabaseProxy(
            self,
            "Proxy",
            proxy_target=rds.ProxyTarget.from_instance(database),
            # Proxy names are unique per account and region; the construct id alone would clash.
            db_proxy_name=f"{self.stack_name.lower()}-guestbook",
            secrets=[secret],
            vpc=vpc,
            vpc_subnets=isolated,
            security_groups=[proxy_sg],
            # Clients must present an IAM token over TLS; the password stays between the proxy and MySQL.
            iam_auth=True,
            require_tls=True,
            # However many functions run, the proxy opens at most 75% of max_connections and
            # makes extra callers wait up to 5 seconds for a free one instead of failing at once.
            max_connections_percent=75,
            max_idle_connections_percent=25,
            borrow_timeout=Duration.seconds(5),
        )

        secrets_endpoint = vpc.add_interface_endpoint(
            "SecretsManagerEndpoint",
            service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
            subnets=isolated,
            security_groups=[endpoint_sg],
            open=False,
            private_dns_enabled=True,
        )
        # Through this endpoint nobody can do more than read this one secret.
        secrets_endpoint.add_to_policy(
            iam.PolicyStatement(
                principals=[iam.AnyPrincipal()],
                actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                resources=[secret.secret_arn],
            )
        )

        function_logs = logs.LogGroup(self, "GuestbookLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            "GuestbookRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Guestbook: own logs, ENIs in the VPC, rds-db:connect to the proxy as one user.",
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

        guestbook = lambda_.Function(
            self,
            "Guestbook",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="handler.handler",
            # PyMySQL is not part of the Lambda runtime (boto3, for the token, is): bundle it, without Docker.
            code=bundled_code(FUNCTIONS, [PYMYSQL]),
            memory_size=256,
            timeout=Duration.seconds(10),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
            vpc=vpc,
            vpc_subnets=isolated,
            security_groups=[function_sg],
            environment={"PROXY_ENDPOINT": proxy.endpoint, "DB_USER": DB_USER, "DB_NAME": DB_NAME},
        )
        # Scoped to this proxy and this database user: the token is useless anywhere else.
        proxy.grant_connect(role, DB_USER)

        # The only three network paths in the stack. The third, proxy to MySQL on the
        # database port, is opened by DatabaseProxy itself when it targets the instance.
        proxy_sg.connections.allow_from(function_sg, ec2.Port.tcp(3306), "Guestbook function to RDS Proxy")
        endpoint_sg.connections.allow_from(proxy_sg, ec2.Port.tcp(443), "RDS Proxy to Secrets Manager")

        api = apigwv2.HttpApi(self, "Api", description="Guestbook backed by MySQL through RDS Proxy.")
        integration = integrations.HttpLambdaIntegration("GuestbookIntegration", guestbook)
        api.add_routes(path="/entries", methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST], integration=integration)

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
                    "integrationLatencyMs": "$context.integrationLatency",
                },
                separators=(",", ":"),
            ),
        )
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=50, throttling_rate_limit=100)

        # Operations: one topic for every alarm and for the cost budget.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="The RDS Proxy alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)

        # The handler turns database failures into a 503, so Lambda's own Errors metric misses them;
        # the API's 5xx count catches both those and crashed or timed-out invocations.
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The guestbook API answered 5xx. Read the Guestbook function log for the real error: a database the proxy cannot "
                "reach, an unhealthy proxy target or a timeout."
            ),
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "GuestbookErrorsAlarm",
            metric=guestbook.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The Guestbook function crashed or timed out. Check its log; a 10-second timeout usually means the proxy kept it "
                "waiting for a database connection."
            ),
        ).add_alarm_action(notify)

        # The instance, the proxy and the endpoint bill every hour whether or not anyone calls the API.
        # This budget notifies the alarm topic when this month's RDS and VPC charges pass the limit.
        limit_usd = monthly_budget_usd(self.node.try_get_context("monthlyBudgetUsd"), DEFAULT_MONTHLY_BUDGET_USD)
        alarm_topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowBudgetsToPublish",
                effect=iam.Effect.ALLOW,
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[alarm_topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": self.account}},
            )
        )

        def notify_at(notification_type: str) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=notification_type, comparison_operator="GREATER_THAN", threshold=100, threshold_type="PERCENTAGE"
                ),
                subscribers=[budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=alarm_topic.topic_arn)],
            )

        budget = budgets.CfnBudget(
            self,
            "MonthlyCostBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=limit_usd, unit="USD"),
                # The instance, its storage and the proxy bill under RDS; the interface endpoint under VPC.
                cost_filters={"Service": ["Amazon Relational Database Service", "Amazon Virtual Private Cloud"]},
            ),
            notifications_with_subscribers=[notify_at("ACTUAL"), notify_at("FORECASTED")],
        )
        # Budgets checks that it may publish before it accepts the subscriber.
        budget.node.add_dependency(alarm_topic)

        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="POST and GET /entries under this URL.")
        CfnOutput(self, "ProxyName", value=proxy.db_proxy_name)
        CfnOutput(self, "DatabaseId", value=database.instance_identifier)
        CfnOutput(self, "SecretArn", value=secret.secret_arn)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn, description="Alarms and the RDS cost budget notify this topic.")

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
                reason="The guestbook is a public demo endpoint; put a JWT or IAM authorizer in front of it before real use.",
            )
        )
        Validations.of(guestbook).acknowledge(
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
                reason="Lambda creates and removes its VPC network interfaces and sends X-Ray segments; none of these actions accept a narrower resource.",
            )
        )
        Validations.of(secret).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SMG4",
                reason=(
                    "Only the proxy ever reads this password because clients sign in with IAM; rotation would add a rotation function "
                    "and more VPC plumbing to a cost-minimised demo."
                ),
            )
        )
        Validations.of(database).acknowledge(
            Acknowledgment(
                id="AwsSolutions-RDS3",
                reason="Single-AZ keeps the demo cheap; turn on multiAz for production, and the proxy will then hide most of a failover from the function.",
            )
        )
        Validations.of(database).acknowledge(
            Acknowledgment(
                id="AwsSolutions-RDS10",
                reason="The demo database is meant to disappear on cdk destroy; enable deletion protection for data you keep.",
            )
        )
        Validations.of(database).acknowledge(
            Acknowledgment(
                id="AwsSolutions-RDS11",
                reason=(
                    "Clients never see the database port: only the proxy security group may reach it, and RDS Proxy for MySQL listens "
                    "on 3306 regardless."
                ),
            )
        )
