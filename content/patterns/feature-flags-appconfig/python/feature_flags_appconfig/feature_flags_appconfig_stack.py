"""A Lambda function that reads validated AppConfig feature flags through the AppConfig Agent extension."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Acknowledgment, CfnDeletionPolicy, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_appconfig as appconfig
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from functions.quote import FALLBACK_MARKER

from .agent_layer import agent_layer_arn
from .flag_rules import load_flag_document

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
FLAG_FILE = ROOT / "flags" / "checkout-flags.json"
# The agent's local port; the function's URL and the agent's setting come from this one value.
AGENT_PORT = 2772


class FeatureFlagsAppConfigStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, flag_file: Path | None = None, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)

        # Synth stops here when the flag file breaks a constraint, before anything reaches AWS.
        flag_document = load_flag_document(flag_file or FLAG_FILE)

        application = appconfig.Application(self, "FlagsApp", description="Feature flags of the checkout Quote function.")

        function_logs = logs.LogGroup(self, "QuoteLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            "QuoteRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Quote: write its own logs, read its one feature flag profile.",
        )
        function_logs.grant_write(role)

        # Gradual, watched rollouts: 20% of the agents polling this environment get a new flag version
        # each minute, then AppConfig watches for five more minutes at 100% before calling it done.
        # The alarm below has one-minute periods, so each step has time to show errors before the next.
        rollout = appconfig.DeploymentStrategy(
            self,
            "GradualRollout",
            description="Flags reach 20% more of the Quote environments each minute, then bake for 5 minutes.",
            rollout_strategy=appconfig.RolloutStrategy.linear(
                growth_factor=20,
                deployment_duration=Duration.minutes(5),
                final_bake_time=Duration.minutes(5),
            ),
        )

        flags = appconfig.HostedConfiguration(
            self,
            "CheckoutFlags",
            application=application,
            description="Checkout feature flags; edit flags/checkout-flags.json and cdk deploy.",
            type=appconfig.ConfigurationType.FEATURE_FLAGS,
            content=appconfig.ConfigurationContent.from_inline(flag_document, "application/json"),
            deployment_strategy=rollout,
            # A demo should come down with cdk destroy even within an hour of its last flag read.
            deletion_protection_check=appconfig.DeletionProtectionCheck.BYPASS,
        )
        # CDK keeps every flag version, on replacement and on delete. Replaced versions stay, so the
        # version a rollback returns to is never deleted under it; the current one goes with the stack,
        # or AppConfig would refuse to delete the profile on cdk destroy.
        flags.node.default_child.cfn_options.deletion_policy = CfnDeletionPolicy.DELETE  # type: ignore[union-attr]

        # The function addresses the environment by name, not by ID: the environment watches the
        # function's alarm, so the function cannot also reference the environment. Names only need to
        # be unique inside their application, which has a generated name of its own.
        environment_name = "live"
        flags_path = (
            f"/applications/{application.application_id}/environments/{environment_name}"
            f"/configurations/{flags.configuration_profile_id}"
        )

        quote = lambda_.Function(
            self,
            "Quote",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="quote.handler",
            # Standard library only: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            timeout=Duration.seconds(5),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=function_logs,
            layers=[lambda_.LayerVersion.from_layer_version_arn(self, "AgentLayer", agent_layer_arn(self))],
            environment={
                "FLAGS_URL": f"http://localhost:{AGENT_PORT}{flags_path}",
                "AWS_APPCONFIG_EXTENSION_HTTP_PORT": str(AGENT_PORT),
                # Fetch the profile while the environment starts, so the first invocation is not the one that waits. The
                # extension's guide gives the prefetch entry as the same path the function requests.
                "AWS_APPCONFIG_EXTENSION_PREFETCH_LIST": flags_path,
                # 30 s instead of 45 s: every one-minute rollout step reaches the agents it picked within that step.
                "AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS": "30",
                # One profile is read, so one connection to AppConfig at a time is all the agent needs.
                "AWS_APPCONFIG_EXTENSION_MAX_CONNECTIONS": "1",
            },
        )

        alarm_topic = sns.Topic(self, "AlarmTopic", display_name="Feature flags alarms", enforce_ssl=True)
        alarm_email = self.node.try_get_context("alarmEmail")
        if isinstance(alarm_email, str) and alarm_email:
            Validations.of(alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        notify = cw_actions.SnsAction(alarm_topic)

        # Any failed invocation in a minute. It pages the topic and, during a flag rollout, it is the
        # monitor that makes AppConfig put the previous flag version back.
        errors_alarm = cloudwatch.Alarm(
            self,
            "QuoteErrorsAlarm",
            metric=quote.metric_errors(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(1)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "The Quote function failed. During a flag rollout AppConfig rolls the flags back on this alarm; "
                "check QuoteLogs and the AppConfig deployment history."
            ),
        )
        errors_alarm.add_alarm_action(notify)

        environment = appconfig.Environment(
            self,
            "FlagsEnv",
            application=application,
            environment_name=environment_name,
            description="Where the Quote function reads its flags; rolls back on QuoteErrorsAlarm.",
            monitors=[appconfig.Monitor.from_cloud_watch_alarm(errors_alarm)],
            deletion_protection_check=appconfig.DeletionProtectionCheck.BYPASS,
        )
        environment.add_deployment(flags)

        # Least privilege: open a session on, and read, this one profile in this one environment.
        # A separate policy, not the role's default one: the function must not wait on the environment.
        iam.Policy(
            self,
            "ReadFlagsPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"],
                    resources=[f"{environment.environment_arn}/configuration/{flags.configuration_profile_id}"],
                )
            ],
        )

        # Running on defaults is safe but silent; this makes it loud.
        fallbacks = function_logs.add_metric_filter(
            "FlagsFallbackFilter",
            filter_pattern=logs.FilterPattern.all_terms(FALLBACK_MARKER),
            metric_namespace=self.stack_name,
            metric_name="FlagsFallback",
            metric_value="1",
        )
        cloudwatch.Alarm(
            self,
            "FlagsFallbackAlarm",
            metric=fallbacks.metric(statistic=cloudwatch.Stats.SUM, period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "Quote priced carts without its feature flags (agent unreachable, slow or answering errors). "
                "Search QuoteLogs for FLAGS_FALLBACK."
            ),
        ).add_alarm_action(notify)

        CfnOutput(self, "FunctionName", value=quote.function_name)
        CfnOutput(self, "ApplicationId", value=application.application_id)
        CfnOutput(self, "EnvironmentId", value=environment.environment_id)
        CfnOutput(self, "ConfigurationProfileId", value=flags.configuration_profile_id)
        CfnOutput(self, "DeploymentStrategyId", value=rollout.deployment_strategy_id)
        CfnOutput(self, "AlarmTopicArn", value=alarm_topic.topic_arn)

        Validations.of(alarm_topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic under the AWS managed key alias/aws/sns, a customer managed key "
                    "costs $1 a month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        Validations.of(quote).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Callers invoke the function synchronously and receive its errors; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(environment).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "The role CDK makes for the rollback monitor lets AppConfig call cloudwatch:DescribeAlarms, a list action the "
                    "AppConfig setup guide grants on *; only appconfig.amazonaws.com can assume it and it allows nothing else."
                ),
            )
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
