from __future__ import annotations

from aws_cdk.assertions import Match

from anti_synchronous_waiting.report_data import REPORT_SQL
from tests.template import grants_of, role_id, templates


def test_gives_the_polling_function_the_longest_timeout_and_a_two_second_poll() -> None:
    templates()[1].has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Timeout": 900,
            "Architectures": ["arm64"],
            "Environment": {
                "Variables": Match.object_like(
                    {"REPORT_SQL": REPORT_SQL, "POLL_EVERY_MS": "2000", "WORK_GROUP": "PollingReportStack-reports", "DATABASE": "pollingreportstack_reports"}
                )
            },
        },
    )


def test_function_role_holds_start_and_status_of_the_athena_job_api() -> None:
    template = templates()[1]
    actions = {a for a, _ in grants_of(template, role_id(template, "ReportRunnerRole"))}
    assert {"athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"} <= actions
    assert "athena:StopQueryExecution" not in actions
