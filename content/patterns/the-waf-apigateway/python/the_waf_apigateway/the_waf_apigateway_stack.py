"""A REST API stage guarded by a WAFv2 web ACL with managed rules and a per-IP rate limit."""

import json
from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from the_waf_apigateway.regional_firewall import RegionalFirewall

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# Per client IP: more than this many requests in one window and WAF answers 429.
RATE_LIMIT = {"requests_per_ip": 100, "window_seconds": 60}
# Default monthly limit of the AWS WAF cost budget in US dollars; override with -c monthlyBudgetUsd=...
DEFAULT_MONTHLY_BUDGET_USD = 15


def _monthly_budget_usd(raw: Any) -> float:
    try:
        value = float(DEFAULT_MONTHLY_BUDGET_USD if raw is None else raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ValueError(f"monthlyBudgetUsd must be a positive number of US dollars, got {raw}")
    return int(value) if value.is_integer() else value


class TheWafApigatewayStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # --- The thing being protected: a REST API in front of a small function. ---

        greeter_logs = logs.LogGroup(self, "GreeterLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        # An explicit role instead of the AWS managed basic-execution policy, whose
        # log permissions reach every log group in the account.
        greeter_role = iam.Role(
            self,
            "GreeterRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Greeter: write its own logs and traces, nothing else.",
        )
        greeter_logs.grant_write(greeter_role)

        greeter = lambda_.Function(
            self,
            "Greeter",
            role=greeter_role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="greeter.handler",
            # Plain source, no dependencies: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=128,
            timeout=Duration.seconds(3),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=greeter_logs,
        )

        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)

        api = apigw.RestApi(
            self,
            "GreetingApi",
            description="A small greeting API guarded by a WAF web ACL.",
            # WAF web ACLs for API Gateway are regional; an edge-optimised API would need a CloudFront ACL.
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # The account-wide API Gateway logging role is shared by every API in the region;
            # a demo stack should not take it over.
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name="prod",
                tracing_enabled=True,
                logging_level=apigw.MethodLoggingLevel.OFF,
                # A backstop for everyone together; the web ACL limits each address on its own.
                throttling_rate_limit=50,
                throttling_burst_limit=100,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(
                    json.dumps(
                        {
                            "requestId": "$context.requestId",
                            "ip": "$context.identity.sourceIp",
                            "method": "$context.httpMethod",
                            "path": "$context.resourcePath",
                            "status": "$context.status",
                            "waf": "$context.wafResponseCode",
                            "latencyMs": "$context.responseLatency",
                        },
                        separators=(",", ":"),
                    )
                ),
            ),
        )
        api.root.add_resource("hello").add_method("GET", apigw.LambdaIntegration(greeter))

        # --- The firewall, attached to the stage. ---

        firewall = RegionalFirewall(
            self,
            "Firewall",
            # This ARN refers to the stage resource itself, so CloudFormation creates the stage
            # before the association; an ARN typed out from the stage name would race it.
            resource_arn=api.deployment_stage.stage_arn,
            **RATE_LIMIT,  # type: ignore[arg-type]
        )

        # --- Operations: one alarm topic, two alarms and a cost budget. ---

        alarm_topic = sns.Topic(self, "AlarmTopic", enforce_ssl=True, display_name="The WAF API Gateway alarms")
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)
        # WAF answers blocked requests itself with 403 or 429, so 5xx means the API or the function failed.
        cloudwatch.Alarm(
            self,
            "ApiServerErrorsAlarm",
            metric=api.metric_server_error(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The greeting API answered 5xx to requests WAF allowed. Read ApiAccessLogs for the status and the Greeter log for the error.",
        ).add_alarm_action(notify)
        cloudwatch.Alarm(
            self,
            "GreeterErrorsAlarm",
            metric=greeter.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description="The Greeter function crashed or timed out. Check its log group; it should only ever answer 200 or 400.",
        ).add_alarm_action(notify)

        # The web ACL and its rules bill every month whether or not anyone calls the API.
        monthly_budget_usd = _monthly_budget_usd(self.node.try_get_context("monthlyBudgetUsd"))
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
                budget_limit=budgets.CfnBudget.SpendProperty(amount=monthly_budget_usd, unit="USD"),
                cost_filters={"Service": ["AWS WAF"]},
            ),
            notifications_with_subscribers=[notify_at("ACTUAL"), notify_at("FORECASTED")],
        )
        # Budgets checks that it may publish before it accepts the subscriber.
        budget.node.add_dependency(alarm_topic)

        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn, description="Alarms and the WAF cost budget notify this topic.")
        CfnOutput(self, "HelloUrl", value=api.url_for_path("/hello"), description="GET this, optionally with ?name=")
        CfnOutput(self, "WebAclArn", value=firewall.web_acl.attr_arn)
        CfnOutput(self, "WafLogGroup", value=firewall.logs.log_group_name)

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
                reason="A public greeting demo; WAF filters abuse but does not identify callers. Add an authorizer before real use.",
            ),
            Acknowledgment(
                id="AwsSolutions-COG4",
                reason="The demo has no user accounts; a Cognito user pool authorizer has nothing to check.",
            ),
            Acknowledgment(
                id="AwsSolutions-APIG2",
                reason=(
                    "The only method is a GET with one optional query value and no body, so a validator has nothing to require; "
                    "the function checks the name and WAF inspects the query string."
                ),
            ),
        )
        Validations.of(api.deployment_stage).acknowledge(
            Acknowledgment(
                id="AwsSolutions-APIG6",
                reason=(
                    "Execution logging needs the account-wide API Gateway CloudWatch role, a shared setting this stack must not change; "
                    "access logs and WAF logs cover each call."
                ),
            )
        )
        Validations.of(greeter).acknowledge(
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
        )
        Validations.of(greeter_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
