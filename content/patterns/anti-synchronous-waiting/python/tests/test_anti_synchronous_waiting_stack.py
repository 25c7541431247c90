from __future__ import annotations

import re

from aws_cdk.assertions import Match

from anti_synchronous_waiting.report_data import BYTES_SCANNED_CUTOFF, REPORT_SQL
from tests.template import definition_of, grants_of, resources_of_type, role_id, templates


def test_starts_the_report_with_the_sync_athena_integration_then_reads_its_rows() -> None:
    definition = definition_of(templates()[0])
    assert definition["StartAt"] == "RunReportQuery"
    run = definition["States"]["RunReportQuery"]
    assert run["Resource"] == "arn:TOKEN:states:::athena:startQueryExecution.sync"
    assert run["Parameters"] == {
        "QueryString": REPORT_SQL,
        "QueryExecutionContext": {"Database": "reportworkflowstack_reports"},
        "ResultConfiguration": {},
        "WorkGroup": "ReportWorkflowStack-reports",
    }
    assert run["Next"] == "ReadReportRows"
    read = definition["States"]["ReadReportRows"]
    assert read["Resource"] == "arn:TOKEN:states:::athena:getQueryResults"
    assert read["Parameters"] == {"QueryExecutionId.$": "$.queryExecutionId", "MaxResults": 100}
    assert read["End"] is True


def test_runs_no_function_of_its_own() -> None:
    template = templates()[0]
    functions = [k for k, _ in resources_of_type(template, "AWS::Lambda::Function")]
    # The only function is CDK's helper that empties the buckets on `cdk destroy`.
    assert functions == ["CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F"]
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {"StateMachineType": "STANDARD"})


def test_waits_at_most_30_minutes_for_the_query_and_40_for_the_whole_run() -> None:
    definition = definition_of(templates()[0])
    assert definition["States"]["RunReportQuery"]["TimeoutSeconds"] == 30 * 60
    assert definition["TimeoutSeconds"] == 40 * 60


def test_never_reruns_a_failed_query_and_retries_only_the_read_of_its_rows() -> None:
    states = definition_of(templates()[0])["States"]
    assert "Retry" not in states["RunReportQuery"]
    assert "Catch" not in states["RunReportQuery"]
    assert states["ReadReportRows"]["Retry"] == [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2}]


def test_stops_every_query_after_1_gib_scanned_and_keeps_results_where_callers_cannot_move_them() -> None:
    assert BYTES_SCANNED_CUTOFF == 1073741824
    for template in templates():
        template.has_resource_properties(
            "AWS::Athena::WorkGroup",
            {
                "WorkGroupConfiguration": Match.object_like(
                    {
                        "BytesScannedCutoffPerQuery": 1073741824,
                        "EnforceWorkGroupConfiguration": True,
                        "ResultConfiguration": Match.object_like({"EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}}),
                    }
                )
            },
        )


def test_workflow_role_may_run_queries_only_in_its_workgroup_and_touch_only_the_report_data() -> None:
    template = templates()[0]
    grants = grants_of(template, role_id(template, "ReportWorkflowRole"))
    athena = [(a, r) for a, r in grants if a.startswith("athena:")]
    assert sorted(a for a, _ in athena) == [
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
    ]
    assert all(":workgroup/ReportWorkflowStack-reports" in r for _, r in athena)
    glue = [(a, r) for a, r in grants if a.startswith("glue:")]
    assert sorted({a for a, _ in glue}) == ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"]
    assert all("*" not in r for _, r in glue)
    objects = sorted(
        f"{a} {'orders' if 'ReportsOrdersBucket' in r else 'results'} {re.search(r'/(orders|athena)/[*]', r).group(1)}"  # type: ignore[union-attr]
        for a, r in grants
        if a in ("s3:GetObject", "s3:PutObject")
    )
    assert objects == ["s3:GetObject orders orders", "s3:GetObject results athena", "s3:PutObject results athena"]
    # Only log delivery and X-Ray are granted on "*".
    assert list(dict.fromkeys(a.split(":")[0] for a, r in grants if r == '"*"')) == ["logs", "xray"]
    template.has_resource_properties(
        "AWS::IAM::Role",
        {"AssumeRolePolicyDocument": Match.any_value(), "ManagedPolicyArns": Match.absent(), "Description": Match.string_like_regexp("ReportWorkflow")},
    )


def test_is_created_only_after_its_role_may_deliver_logs() -> None:
    template = templates()[0]
    [(_, machine)] = resources_of_type(template, "AWS::StepFunctions::StateMachine")
    assert any(d.startswith("ReportWorkflowRoleDefaultPolicy") for d in machine.get("DependsOn", []))
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "LoggingConfiguration": Match.object_like({"Level": "ALL", "IncludeExecutionData": False}),
            "TracingConfiguration": {"Enabled": True},
        },
    )


def test_alarms_on_failed_and_timed_out_runs_notifying_one_topic() -> None:
    template = templates()[0]
    alarms = [a["Properties"] for _, a in resources_of_type(template, "AWS::CloudWatch::Alarm")]
    assert sorted(a["MetricName"] for a in alarms) == ["ExecutionsFailed", "ExecutionsTimedOut"]
    [(topic_id, _)] = resources_of_type(template, "AWS::SNS::Topic")
    for alarm in alarms:
        assert alarm["Threshold"] == 1
        assert alarm["Namespace"] == "AWS/States"
        assert alarm["AlarmActions"] == [{"Ref": topic_id}]
