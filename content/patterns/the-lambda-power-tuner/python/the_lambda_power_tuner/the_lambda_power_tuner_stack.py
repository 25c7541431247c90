"""A CPU-bound sample function and the AWS Lambda Power Tuning app, scoped to tune only that function."""

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sam as sam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# The open-source AWS Lambda Power Tuning app, as published in the Serverless Application Repository.
POWER_TUNING_APPLICATION_ID = "arn:aws:serverlessrepo:us-east-1:451282441545:applications/aws-lambda-power-tuning"
# Pinned so a new release cannot change the state machine under a redeploy; bump deliberately.
POWER_TUNING_VERSION = "4.4.0"

# Memory sizes tried when an execution does not list its own. 1769 MB is where a function
# gets one full vCPU; past it a single-threaded function stops speeding up.
DEFAULT_POWER_VALUES = (128, 256, 512, 1024, 1769, 3008)

PYTHON_RUNTIME_REASON = (
    "python3.13 is the one Python runtime every app of this catalog is built and tested on; "
    "move to a newer one deliberately, with its tests."
)


class TheLambdaPowerTunerStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        log_group = logs.LogGroup(self, "PrimeSieveLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY)
        role = iam.Role(
            self,
            "PrimeSieveRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Prime sieve: write its own logs and traces.",
        )
        log_group.grant_write(role)

        # The function to tune: pure CPU work, so memory (and with it CPU) is the only lever.
        prime_sieve = lambda_.Function(
            self,
            "PrimeSieve",
            description="Counts primes with a sieve; a CPU-bound target for Lambda Power Tuning.",
            role=role,
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="prime_sieve.handler",
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            # A starting point only: the tuner measures the alternatives, then restores this value.
            memory_size=256,
            # Room for the largest input at 128 MB, the slowest setting the tuner tries.
            timeout=Duration.seconds(30),
            tracing=lambda_.Tracing.ACTIVE,
            # Text, not JSON: the tuner reads each call's duration from the returned log tail, and its JSON
            # parser fails on reports without initDurationMs (every warm start) in the releases we checked.
            logging_format=lambda_.LoggingFormat.TEXT,
            log_group=log_group,
        )

        # Deploys the tuner as a nested stack: a Step Functions state machine plus the
        # functions that publish, invoke, analyse and clean up versions of the target.
        power_tuner = sam.CfnApplication(
            self,
            "PowerTuner",
            location=sam.CfnApplication.ApplicationLocationProperty(
                application_id=POWER_TUNING_APPLICATION_ID,
                semantic_version=POWER_TUNING_VERSION,
            ),
            parameters={
                # The tuner's functions may only touch this function and its versions and aliases,
                # instead of every function in the account (the app's default is "*").
                "lambdaResource": f"{prime_sieve.function_arn}*",
                "PowerValues": ",".join(str(mb) for mb in DEFAULT_POWER_VALUES),
                # Per-step timeout in seconds; parallel invocation keeps a run well inside it.
                "totalExecutionTimeout": "180",
                "logGroupRetentionInDays": "30",
            },
        )

        # The tuner measures only successful calls; an error at some memory size means a run with holes in it.
        topic = sns.Topic(self, "AlarmTopic", display_name="The Lambda Power Tuner alarms", enforce_ssl=True)
        email = self.node.try_get_context("alarmEmail")
        if isinstance(email, str) and email:
            Validations.of(topic.add_subscription(subscriptions.EmailSubscription(email))).acknowledge(
                Acknowledgment(
                    id="Serverless-SNSRedrivePolicy",
                    reason="An e-mail copy of an alarm notification; a lost e-mail still leaves the alarm in ALARM state in the CloudWatch console.",
                )
            )
        Validations.of(topic).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SNS2",
                reason=(
                    "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, "
                    "a customer managed key would cost $1/month, and alarm notifications carry only alarm names and states."
                ),
            )
        )
        cloudwatch.Alarm(
            self,
            "PrimeSieveErrorsAlarm",
            metric=prime_sieve.metric_errors(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=(
                "PrimeSieve failed during a tuning run (bad payload, or a timeout at a small memory size). "
                "Check the payload limit and the function log group, then run the tuning again."
            ),
        ).add_alarm_action(cw_actions.SnsAction(topic))

        CfnOutput(
            self,
            "StateMachineArn",
            value=power_tuner.get_att("Outputs.StateMachineARN").to_string(),
            description="Start a tuning run here.",
        )
        CfnOutput(self, "PrimeSieveArn", value=prime_sieve.function_arn, description="The lambdaARN to tune.")

        Validations.of(prime_sieve).acknowledge(
            Acknowledgment(id="AwsSolutions-L1", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(id="Serverless-LambdaLatestVersion", reason=PYTHON_RUNTIME_REASON),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="Only the tuner invokes the function, synchronously, and records each failure itself; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="X-Ray trace segments cannot be scoped to a resource; this is the only wildcard.",
            )
        )
