"""The fix: Step Functions starts the query with the .sync integration, waits for it, then reads the rows."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from anti_synchronous_waiting.report_data import REPORT_SQL, ReportData, acknowledge_object_wildcards

# Athena's default limit for one DML query: the longest the workflow waits for it.
QUERY_TIMEOUT = Duration.minutes(30)
# The whole run: the query, reading its rows, and headroom.
WORKFLOW_TIMEOUT = Duration.minutes(40)


def report_workflow(scope: Construct, reports: ReportData) -> sfn.StateMachine:
    """No function runs while the query does."""
    stack = Stack.of(scope)

    run_query = tasks.AthenaStartQueryExecution(
        scope,
        "RunReportQuery",
        comment="Starts the report and lets Step Functions wait for it to end (.sync).",
        query_string=REPORT_SQL,
        work_group=reports.work_group_name,
        query_execution_context=tasks.QueryExecutionContext(database_name=reports.database_name),
        integration_pattern=sfn.IntegrationPattern.RUN_JOB,
        task_timeout=sfn.Timeout.duration(QUERY_TIMEOUT),
        result_selector={
            "queryExecutionId": sfn.JsonPath.string_at("$.QueryExecution.QueryExecutionId"),
            "dataScannedInBytes": sfn.JsonPath.number_at("$.QueryExecution.Statistics.DataScannedInBytes"),
        },
    )
    # No retry on purpose: a query that failed (bad SQL, the scan cutoff) fails again and scans again.

    read_rows = tasks.AthenaGetQueryResults(
        scope,
        "ReadReportRows",
        comment="Reads the first 100 rows; the first row holds the column names.",
        query_execution_id=sfn.JsonPath.string_at("$.queryExecutionId"),
        max_results=100,
        result_selector={"rows": sfn.JsonPath.object_at("$.ResultSet.Rows")},
        result_path="$.report",
    )
    # Reading results is side-effect free, so any failure can simply be tried again.
    read_rows.add_retry(errors=["States.TaskFailed"], interval=Duration.seconds(2), max_attempts=3, backoff_rate=2)

    log_group = logs.LogGroup(
        scope, "ReportWorkflowLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
    )

    # The role is written out here and handed over read-only: the Athena task classes would
    # otherwise add their generic policy (S3 reads on every bucket, Glue create and delete).
    role = iam.Role(
        scope,
        "ReportWorkflowRole",
        assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
        description="ReportWorkflow: run the report query, read its rows, log and trace.",
    )
    reports.grant_run_report(role)
    role.add_to_policy(
        iam.PolicyStatement(
            # The .sync integration stops the query when the execution is stopped.
            actions=["athena:StopQueryExecution"],
            resources=[stack.format_arn(service="athena", resource="workgroup", resource_name=reports.work_group_name)],
        )
    )
    role.add_to_policy(
        iam.PolicyStatement(
            # Log delivery to CloudWatch Logs and X-Ray writes accept no narrower resource.
            actions=[
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups",
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            resources=["*"],
        )
    )

    workflow = sfn.StateMachine(
        scope,
        "ReportWorkflow",
        # Standard: Express workflows cannot wait on a .sync integration.
        state_machine_type=sfn.StateMachineType.STANDARD,
        definition_body=sfn.DefinitionBody.from_chainable(run_query.next(read_rows)),
        comment="Runs the revenue report in Athena and returns its rows; Step Functions does the waiting.",
        timeout=WORKFLOW_TIMEOUT,
        role=role.without_policy_updates(),
        tracing_enabled=True,
        # Events without data: report rows are business data and need not be copied into logs.
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
    )
    # The read-only view hides the role's policy from CDK's ordering; the workflow must not be
    # created before it may deliver logs.
    workflow.node.add_dependency(role)

    Validations.of(role).acknowledge(
        Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="Log delivery to CloudWatch Logs and X-Ray writes accept no narrower resource; every other grant names its resource.",
        )
    )
    acknowledge_object_wildcards(role, reports)
    return workflow
