"""THE ANTI-PATTERN: a function starts the report's Athena query and polls it until it ends.

Kept for reading and for the rule pack's tests; `cdk deploy` never deploys it unless you pass
`-c antiPattern=before`. Everything else (data, table, workgroup, least-privilege grants) is the same
as in the fix.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Acknowledgment, CfnOutput, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from anti_synchronous_waiting.report_data import REPORT_SQL, ReportData, acknowledge_object_wildcards

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"

# How long the function sleeps between two status calls.
POLL_EVERY = Duration.seconds(2)


class PollingReportStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]

        reports = ReportData(self, "Reports")

        log_group = logs.LogGroup(
            self, "ReportRunnerLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        role = iam.Role(
            self,
            "ReportRunnerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="ReportRunner: run the report query and wait for it, write its own logs and traces.",
        )
        log_group.grant_write(role)
        role.add_to_policy(iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]))
        # Start, status and results of the same query: the pair of grants the rule pack looks for.
        reports.grant_run_report(role)

        runner = lambda_.Function(
            self,
            "ReportRunner",
            role=role,
            description="Starts the revenue report in Athena and polls it until it ends (the anti-pattern).",
            runtime=lambda_.Runtime.PYTHON_3_13,
            architecture=lambda_.Architecture.ARM_64,
            handler="run_report.handler",
            # Plain source, no dependencies beyond the runtime's boto3: no bundling, no Docker.
            code=lambda_.Code.from_asset(str(FUNCTIONS), exclude=["__pycache__", "*.pyc"]),
            memory_size=256,
            # "Long enough for any report": the maximum Lambda allows, still half of Athena's default query timeout.
            timeout=Duration.minutes(15),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            environment={
                "REPORT_SQL": REPORT_SQL,
                "WORK_GROUP": reports.work_group_name,
                "DATABASE": reports.database_name,
                "POLL_EVERY_MS": str(int(POLL_EVERY.to_milliseconds())),
            },
        )

        CfnOutput(self, "ReportRunnerName", value=runner.function_name)
        CfnOutput(self, "OrdersBucketName", value=reports.orders.bucket_name)

        Validations.of(runner).acknowledge(
            *(
                Acknowledgment(
                    id=rule,
                    reason="python3.13 is the one Python runtime every app of this catalog is built and tested on; move to a newer one deliberately, with its tests.",
                )
                for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion")
            ),
            Acknowledgment(
                id="Serverless-LambdaDLQ",
                reason="The caller invokes the function synchronously and waits for the rows; a DLQ only applies to async invokes.",
            ),
        )
        Validations.of(role).acknowledge(
            Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason="X-Ray trace segments cannot be scoped to a resource.")
        )
        acknowledge_object_wildcards(role, reports)
