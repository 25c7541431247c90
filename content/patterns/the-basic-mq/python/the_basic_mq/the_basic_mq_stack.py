"""A private Amazon MQ for ActiveMQ broker behind a TLS Network Load Balancer and a Route 53 name."""

import json
import math
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, CfnParameter, CfnRule, CfnRuleAssertion, Duration, Fn, RemovalPolicy, Stack, Validations
from aws_cdk import aws_amazonmq as amazonmq
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elb_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from the_basic_mq.settings import BROKER_PORTS, BrokerSettings

ADMIN_USER = "mqadmin"

# Default monthly limit of the cost budget in US dollars, by broker count; override with -c monthlyBudgetUsd=...
DEFAULT_MONTHLY_BUDGET_USD = {"single": 50, "pair": 480}


def monthly_budget_usd(raw: Any, default: float) -> float:
    """A positive number of US dollars from -c monthlyBudgetUsd=..., or the default."""
    try:
        value = float(default if raw is None else raw)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"monthlyBudgetUsd must be a positive number of US dollars, got {raw}")
    return int(value) if value.is_integer() else value


class TheBasicMqStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: BrokerSettings, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        ports = list(BROKER_PORTS.items())

        if settings.placeholder:
            # Synth works without a domain; a deploy against example.com would only hang on
            # certificate validation, so CloudFormation stops it before creating anything. The
            # rule tests a parameter rather than two literals, which linters flag as dead code.
            zone_name = CfnParameter(
                self,
                "ZoneName",
                type="String",
                default=settings.zone_name,
                description="Synth-only placeholder. Deploy with -c zoneName=... -c hostedZoneId=... instead of setting this.",
            )
            CfnRule(
                self,
                "RequireRealDomain",
                assertions=[
                    CfnRuleAssertion(
                        assert_=Fn.condition_not(Fn.condition_equals(zone_name.value_as_string, settings.zone_name)),
                        assert_description=(
                            "Deploy with -c zoneName=<your public zone> -c hostedZoneId=<its id>; the example.com defaults are for synth only."
                        ),
                    )
                ],
            )

        # Nothing here needs the internet: the broker and the load balancer both sit in
        # isolated subnets, and clients reach them from inside the VPC (or a peered network).
        vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[ec2.SubnetConfiguration(name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)],
        )
        vpc.add_flow_log(
            "RejectedTraffic",
            traffic_type=ec2.FlowLogTrafficType.REJECT,
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                logs.LogGroup(self, "FlowLogs", retention=logs.RetentionDays.ONE_WEEK, removal_policy=RemovalPolicy.DESTROY)
            ),
        )

        def group(group_id: str, description: str) -> ec2.SecurityGroup:
            return ec2.SecurityGroup(self, group_id, vpc=vpc, description=description, allow_all_outbound=False)

        client_sg = group("ClientSg", "Broker clients: attach to anything that should reach the broker endpoint")
        nlb_sg = group("NlbSg", "Load balancer: TLS from broker clients, re-encrypted to the broker")
        broker_sg = group("BrokerSg", "ActiveMQ broker: accepts the load balancer only")
        for name, port in ports:
            nlb_sg.connections.allow_from(client_sg, ec2.Port.tcp(port), f"{name} from broker clients")
            broker_sg.connections.allow_from(nlb_sg, ec2.Port.tcp(port), f"{name} from the load balancer")

        broker_admin = secretsmanager.Secret(
            self,
            "BrokerAdmin",
            description="Amazon MQ admin user for the ActiveMQ broker and its web console.",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"username": ADMIN_USER}, separators=(",", ":")),
                generate_string_key="password",
                # ActiveMQ passwords may not contain commas, colons or equals signs.
                exclude_punctuation=True,
                password_length=32,
            ),
        )

        # Amazon MQ writes broker logs itself; this lets it do so only for this account's brokers.
        logs_policy = logs.ResourcePolicy(
            self,
            "BrokerLogsPolicy",
            policy_statements=[
                iam.PolicyStatement(
                    principals=[iam.ServicePrincipal("mq.amazonaws.com")],
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:/aws/amazonmq/broker/*"],
                    conditions={"StringEquals": {"aws:SourceAccount": self.account}},
                )
            ],
        )

        isolated_subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED).subnet_ids
        broker = amazonmq.CfnBroker(
            self,
            "Broker",
            broker_name=f"{self.stack_name}-broker",
            engine_type="ACTIVEMQ",
            engine_version="5.18",
            auto_minor_version_upgrade=True,
            host_instance_type=settings.instance_type,
            deployment_mode=settings.deployment_mode,
            # One subnet per broker instance: a single instance must be given exactly one.
            subnet_ids=isolated_subnets[: settings.broker_count],
            security_groups=[broker_sg.security_group_id],
            publicly_accessible=False,
            authentication_strategy="SIMPLE",
            users=[
                amazonmq.CfnBroker.UserProperty(
                    username=ADMIN_USER,
                    # A dynamic reference: CloudFormation reads the secret at deploy time, so the
                    # password never appears in the template.
                    password=broker_admin.secret_value_from_json("password").unsafe_unwrap(),
                    console_access=True,
                )
            ],
            encryption_options=amazonmq.CfnBroker.EncryptionOptionsProperty(use_aws_owned_key=True),
            logs=amazonmq.CfnBroker.LogListProperty(general=True, audit=True),
            maintenance_window_start_time=amazonmq.CfnBroker.MaintenanceWindowProperty(day_of_week="SUNDAY", time_of_day="03:00", time_zone="UTC"),
        )
        broker.node.add_dependency(logs_policy)

        zone = route53.HostedZone.from_hosted_zone_attributes(self, "Zone", hosted_zone_id=settings.hosted_zone_id, zone_name=settings.zone_name)
        certificate = acm.Certificate(
            self, "Certificate", domain_name=settings.domain_name, validation=acm.CertificateValidation.from_dns(zone)
        )

        nlb = elbv2.NetworkLoadBalancer(
            self,
            "Nlb",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            internet_facing=False,
            security_groups=[nlb_sg],
            # The broker lives in one AZ (or two, active/standby); every load balancer node must reach it.
            cross_zone_enabled=True,
        )

        # The broker's private IPs are only known after it exists, and CloudFormation hands
        # them back as a list: pick each one by index rather than splitting a string.
        broker_ips = [Fn.select(i, broker.attr_ip_addresses) for i in range(settings.broker_count)]
        open_wire_targets: elbv2.NetworkTargetGroup | None = None
        for name, port in ports:
            targets = elbv2.NetworkTargetGroup(
                self,
                f"{name}Targets",
                vpc=vpc,
                port=port,
                # Re-encrypt to the broker, whose own listeners only speak TLS.
                protocol=elbv2.Protocol.TLS,
                target_type=elbv2.TargetType.IP,
                targets=[elb_targets.IpTarget(ip, port) for ip in broker_ips],
                # In active/standby only the active broker accepts connections; fast checks
                # move traffic to the new active broker soon after a failover.
                health_check=elbv2.HealthCheck(
                    protocol=elbv2.Protocol.TCP,
                    interval=Duration.seconds(10),
                    healthy_threshold_count=2,
                    unhealthy_threshold_count=2,
                ),
                deregistration_delay=Duration.seconds(30),
            )
            if port == BROKER_PORTS["OpenWire"]:
                open_wire_targets = targets
            nlb.add_listener(
                f"{name}Listener",
                port=port,
                protocol=elbv2.Protocol.TLS,
                certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)],
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
                default_target_groups=[targets],
            )
        assert open_wire_targets is not None

        route53.ARecord(
            self,
            "BrokerRecord",
            zone=zone,
            record_name=settings.domain_name,
            target=route53.RecordTarget.from_alias(route53_targets.LoadBalancerTarget(nlb)),
            comment="Stable name for the Amazon MQ broker, whatever its own endpoints are.",
        )

        # Operations: one topic for the alarm and the cost budget.
        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="The Basic MQ alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )

        # Clients only ever see the name; when no broker answers behind it, every port is down.
        # OpenWire stands for all four: the target groups check the same broker instances.
        cloudwatch.Alarm(
            self,
            "BrokerUnreachableAlarm",
            metric=open_wire_targets.metrics.healthy_host_count(statistic="Minimum", period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=5,
            comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "No broker instance has passed the load balancer health check for five minutes, so clients of the stable name cannot "
                "connect. Check the broker state in the Amazon MQ console and its general log."
            ),
        ).add_alarm_action(cw_actions.SnsAction(alarm_topic))

        # The broker and the load balancer bill every hour whether or not a message moves. This
        # budget notifies the alarm topic when the month's Amazon MQ and load balancer charges pass the limit.
        default_budget = DEFAULT_MONTHLY_BUDGET_USD["pair" if settings.broker_count > 1 else "single"]
        limit_usd = monthly_budget_usd(self.node.try_get_context("monthlyBudgetUsd"), default_budget)
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
                cost_filters={"Service": ["Amazon MQ", "Amazon Elastic Load Balancing"]},
            ),
            notifications_with_subscribers=[notify_at("ACTUAL"), notify_at("FORECASTED")],
        )
        # Budgets checks that it may publish before it accepts the subscriber.
        budget.node.add_dependency(alarm_topic)

        CfnOutput(self, "Endpoint", value=settings.domain_name, description="Connect to this name over TLS.")
        CfnOutput(self, "ConsoleUrl", value=f"https://{settings.domain_name}:{BROKER_PORTS['Console']}/")
        CfnOutput(self, "BrokerId", value=broker.ref)
        CfnOutput(self, "LoadBalancerArn", value=nlb.load_balancer_arn)
        CfnOutput(self, "AdminSecretArn", value=broker_admin.secret_arn)
        CfnOutput(self, "ClientSecurityGroupId", value=client_sg.security_group_id)
        CfnOutput(self, "VpcId", value=vpc.vpc_id)
        CfnOutput(self, "SubnetIds", value=Fn.join(",", isolated_subnets))

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn, description="The alarm and the cost budget notify this topic.")

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, a customer managed key "
                    "would cost $1 a month, and the notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(broker_admin).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SMG4",
                reason=(
                    "Amazon MQ has no rotation integration; a new password must also be applied to the broker user, so this demo "
                    "rotates it by updating the stack."
                ),
            )
        )
        Validations.of(nlb).acknowledge(
            Acknowledgment(
                id="AwsSolutions-ELB2",
                reason="The broker publishes general and audit logs to CloudWatch; NLB access logs would add an S3 bucket only to record TLS handshakes.",
            )
        )
