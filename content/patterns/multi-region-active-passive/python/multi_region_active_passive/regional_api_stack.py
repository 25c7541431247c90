"""One Region's copy of the service.

An HTTP API on the shared custom domain, a function that uses the table replica in its own Region,
and the Route 53 failover record that points at it. The primary also owns the health check that
decides when the secondary takes over.
"""

import json
from pathlib import Path
from typing import Any, Literal, Optional

import jsii
from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from constructs import Construct

from multi_region_active_passive.operations import Operations
from multi_region_active_passive.settings import Settings

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Which half of the failover pair a Region is. The construct ids carry it, so consoles and diagrams tell them apart.
RegionRole = Literal["Primary", "Secondary"]

# How often Route 53 probes the primary, and how many misses in a row make it fail over.
HEALTH_CHECK_INTERVAL = Duration.seconds(30)
HEALTH_CHECK_FAILURE_THRESHOLD = 3


@jsii.implements(route53.IAliasRecordTarget)
class _EvaluatingTargetHealth:
    """Route 53 (and CDK) require failover alias records to evaluate their target's health: the record
    then also inherits what Route 53 knows of the API Gateway endpoint behind the custom domain."""

    def __init__(self, target: route53.IAliasRecordTarget) -> None:
        self._target = target

    def bind(self, record: route53.IRecordSet, zone: Optional[route53.IHostedZone] = None) -> route53.AliasRecordTargetConfig:
        config = self._target.bind(record, zone)
        return route53.AliasRecordTargetConfig(dns_name=config.dns_name, hosted_zone_id=config.hosted_zone_id, evaluate_target_health=True)


class RegionalApiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, settings: Settings, role: RegionRole, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        is_primary = role == "Primary"

        # The replica in this stack's Region, found by its fixed name: the ARN is built for this Region.
        items = dynamodb.TableV2.from_table_name(self, "Items", settings.table_name)

        service_logs = logs.LogGroup(self, "ServiceLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        # An explicit role instead of the AWS managed basic-execution policy, whose log permissions
        # reach every log group in the account.
        service_role = iam.Role(
            self,
            "ServiceRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"{role} Region service: write its own logs, read and write items in this Region's replica.",
        )
        service_logs.grant_write(service_role)

        service = lambda_.Function(
            self,
            f"{role}Service",
            role=service_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="service.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            # Route 53 probes /health about every two seconds; START/END/REPORT lines for each probe
            # would be most of the log bill. Warnings and errors from the platform still come through.
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            log_group=service_logs,
            environment={"TABLE_NAME": settings.table_name},
        )
        # Least privilege: one read and one write action, on this Region's replica only.
        items.grant(service, "dynamodb:GetItem", "dynamodb:PutItem")

        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=settings.hosted_zone_id, zone_name=settings.hosted_zone_name
        )
        # Each Region needs its own certificate for the same name: ACM certificates are regional. Both
        # ask for the same validation record, which CloudFormation writes into the hosted zone.
        certificate = acm.Certificate(
            self, "Certificate", domain_name=settings.domain_name, validation=acm.CertificateValidation.from_dns(zone)
        )
        domain = apigwv2.DomainName(
            self,
            "ServiceDomain",
            domain_name=settings.domain_name,
            certificate=certificate,
            security_policy=apigwv2.SecurityPolicy.TLS_1_2,
        )

        integration = integrations.HttpLambdaIntegration("ServiceIntegration", service)
        api = apigwv2.HttpApi(
            self,
            f"{role}Api",
            description=f"Items service, {role.lower()} Region.",
            default_domain_mapping=apigwv2.DomainMappingOptions(domain_name=domain),
        )
        api.add_routes(path="/health", methods=[apigwv2.HttpMethod.GET], integration=integration)
        api.add_routes(path="/items/{id}", methods=[apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT], integration=integration)

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        stage: apigwv2.CfnStage = api.default_stage.node.default_child  # type: ignore[union-attr, assignment]
        stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=access_logs.log_group_arn,
            format=json.dumps(
                {
                    "requestId": "$context.requestId",
                    "ip": "$context.identity.sourceIp",
                    "domain": "$context.domainName",
                    "route": "$context.routeKey",
                    "status": "$context.status",
                    "latencyMs": "$context.responseLatency",
                },
                separators=(",", ":"),
            ),
        )
        # A public endpoint that writes: cap it, so a flood cannot run up the bill in either Region.
        stage.default_route_settings = apigwv2.CfnStage.RouteSettingsProperty(throttling_burst_limit=25, throttling_rate_limit=50)

        operations = Operations(self, f"Multi-Region active-passive {role.lower()} Region alarms")
        operations.alarm(
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                f"The {role.lower()} Region's API answered 5xx. Search ServiceLogs for \"request failed\" or \"health probe failed\" "
                "and the access log for the failing routes."
            ),
        )
        operations.alarm(
            "ServiceErrorsAlarm",
            metric=service.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"The {role} Region's function failed (timeout, crash or bad deploy). Check ServiceLogs and roll back a bad deploy.",
        )

        health_check: Optional[route53.HealthCheck] = None
        if is_primary:
            # Probe the API's own execute-api name, not the shared domain: the shared name follows the
            # failover record, so once it pointed at the standby the check would report the standby's health.
            health_check = route53.HealthCheck(
                self,
                "HealthCheck",
                type=route53.HealthCheckType.HTTPS,
                fqdn=f"{api.api_id}.execute-api.{self.region}.{self.url_suffix}",
                port=443,
                resource_path="/health",
                enable_sni=True,
                request_interval=HEALTH_CHECK_INTERVAL,
                failure_threshold=HEALTH_CHECK_FAILURE_THRESHOLD,
            )
            # Route 53 publishes HealthCheckStatus only in us-east-1 (settings.py refuses any other
            # primary Region). It is 1 while healthy, 0 once the checkers agree the primary is down.
            operations.alarm(
                "HealthCheckFailingAlarm",
                metric=cloudwatch.Metric(
                    namespace="AWS/Route53",
                    metric_name="HealthCheckStatus",
                    dimensions_map={"HealthCheckId": health_check.health_check_id},
                    statistic=cloudwatch.Stats.MINIMUM,
                    period=Duration.minutes(1),
                ),
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                # A health check that stops reporting is as worrying as one that fails.
                treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
                alarm_description=(
                    f"Route 53 considers the primary Region unhealthy: {settings.domain_name} now answers from {settings.secondary_region}. "
                    "Check the primary's /health, ServiceLogs and the AWS Health Dashboard; it fails back by itself once the primary passes "
                    f"{HEALTH_CHECK_FAILURE_THRESHOLD} checks in a row."
                ),
            )
            CfnOutput(self, "HealthCheckId", value=health_check.health_check_id)

        route53.ARecord(
            self,
            f"{role}Record",
            zone=zone,
            record_name=settings.domain_name,
            target=route53.RecordTarget.from_alias(
                _EvaluatingTargetHealth(targets.ApiGatewayv2DomainProperties(domain.regional_domain_name, domain.regional_hosted_zone_id))
            ),
            failover=route53.Failover.PRIMARY if is_primary else route53.Failover.SECONDARY,
            set_identifier=f"{role.lower()}-{self.region}",
            # Only the primary carries a health check: Route 53 then answers with the secondary whenever
            # the primary is unhealthy, without needing a verdict on the secondary.
            health_check=health_check,
        )

        CfnOutput(self, "AlarmTopicArn", value=operations.topic.topic_arn)
        CfnOutput(self, "ApiUrl", value=api.api_endpoint, description="This Region's API, bypassing DNS failover.")
        CfnOutput(self, "ServiceUrl", value=f"https://{settings.domain_name}", description="The failover name clients call.")

        Validations.of(api).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG4",
                reason=(
                    "A public demo endpoint, throttled at the stage; add a JWT or IAM authorizer on /items before real use. "
                    "/health must stay open for the Route 53 checkers."
                ),
            )
        )
        Validations.of(service).acknowledge(
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
            ),
            Acknowledgment(
                id="Serverless-LambdaTracing",
                reason=(
                    "Route 53 probes /health around 1.3 million times a month and Lambda would trace nearly every probe, "
                    "about $6 a month of X-Ray for an idle service."
                ),
            ),
        )
