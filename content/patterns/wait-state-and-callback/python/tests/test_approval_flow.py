import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from tests.cdk_app import app_from_cdk_json
from tests.definition import definition_of
from wait_state_and_callback.wait_state_and_callback_stack import WaitStateAndCallbackStack

TOKEN = "{% $states.context.Task.Token %}"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.from_stack(WaitStateAndCallbackStack(app_from_cdk_json(), "Under-Test"))


@pytest.fixture(scope="module")
def flow(template: Template) -> dict[str, Any]:
    return definition_of(template)


@pytest.fixture(scope="module")
def states(flow: dict[str, Any]) -> dict[str, Any]:
    return flow["States"]


def machine(template: Template) -> dict[str, Any]:
    return next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))["Properties"]


def test_registers_the_request_first_then_notifies_approvers_then_waits_for_the_decision(flow: dict[str, Any], states: dict[str, Any]) -> None:
    assert flow["StartAt"] == "Register request"
    assert states["Register request"]["Next"] == "Notify approvers"
    assert states["Notify approvers"]["Next"] == "Wait for decision"
    assert states["Wait for decision"]["Next"] == "Decision"


def test_stores_the_task_token_in_the_requests_item_with_the_wait_for_task_token_integration_pattern(states: dict[str, Any]) -> None:
    wait = states["Wait for decision"]
    assert wait["Resource"].endswith(":states:::aws-sdk:dynamodb:updateItem.waitForTaskToken")
    assert wait["Arguments"] == {
        "TableName": "<Ref:Approvals8537C562>",
        "Key": {"approvalId": {"S": "{% $request.approvalId %}"}},
        "UpdateExpression": "SET taskToken = :token",
        # Only onto a request nobody has decided: the approval API takes the token off when it claims one.
        "ConditionExpression": "#status = :pending",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {":token": {"S": TOKEN}, ":pending": {"S": "PENDING"}},
    }


def test_puts_the_task_token_nowhere_else_not_in_the_notification_a_function_payload_or_the_logs(template: Template, states: dict[str, Any]) -> None:
    holders = [name for name, state in states.items() if "$states.context.Task" in json.dumps(state)]
    assert holders == ["Wait for decision"]
    # The message is written by RegisterRequest before the token exists.
    assert states["Notify approvers"]["Arguments"] == {
        "TopicArn": "<Ref:ApproverTopicF946C21A>",
        "Subject": "{% $request.notification.subject %}",
        "Message": "{% $request.notification.message %}",
    }
    assert machine(template)["LoggingConfiguration"]["IncludeExecutionData"] is False


def test_waits_24_hours_for_a_person_with_a_timeout_and_no_heartbeat_or_as_long_as_the_context_says(states: dict[str, Any]) -> None:
    assert states["Wait for decision"]["TimeoutSeconds"] == 86_400
    assert "HeartbeatSeconds" not in states["Wait for decision"]
    short = definition_of(Template.from_stack(WaitStateAndCallbackStack(app_from_cdk_json(approvalTimeoutMinutes=5), "Short")))
    assert short["States"]["Wait for decision"]["TimeoutSeconds"] == 300
    assert short["States"]["Register request"]["Arguments"]["Payload"]["expiresAt"].endswith("+ 300000) %}")
    for index, bad in enumerate((0, 4, 10_081, 2.5, "soon")):
        with pytest.raises(ValueError, match="approvalTimeoutMinutes"):
            WaitStateAndCallbackStack(app_from_cdk_json(approvalTimeoutMinutes=bad), f"Bad{index}")


def test_gives_register_request_a_deadline_computed_from_the_same_timeout_the_wait_uses(states: dict[str, Any]) -> None:
    assert states["Register request"]["Arguments"]["Payload"] == {
        "approvalId": "{% $states.context.Execution.Name %}",
        "startedAt": "{% $states.context.Execution.StartTime %}",
        "expiresAt": "{% $fromMillis($toMillis($states.context.Execution.StartTime) + 86400000) %}",
        "request": "{% $states.input %}",
    }


def test_routes_a_timeout_to_mark_expired_and_every_other_error_to_request_failed_never_retrying_a_timeout(states: dict[str, Any]) -> None:
    wait = states["Wait for decision"]
    assert [(c["ErrorEquals"], c["Next"]) for c in wait["Catch"]] == [(["States.Timeout"], "Mark expired"), (["States.ALL"], "Request failed")]
    # States.TaskFailed matches everything but States.Timeout: an expired wait is never started again.
    assert [r["ErrorEquals"] for r in wait["Retry"]] == [["States.TaskFailed"]]


def test_marks_only_a_still_pending_request_expired_and_ends_in_the_request_expired_outcome_either_way(states: dict[str, Any]) -> None:
    mark = states["Mark expired"]
    assert mark["Arguments"]["ConditionExpression"] == "#status = :pending"
    assert mark["Arguments"]["UpdateExpression"] == "SET #status = :expired REMOVE taskToken"
    assert mark["Next"] == "Request expired"
    assert mark["Catch"][0] == {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "Next": "Request expired"}
    assert states["Request expired"]["Type"] == "Succeed"
    assert states["Request expired"]["Output"]["outcome"] == "expired"


def test_routes_approve_to_grant_access_reject_to_request_rejected_and_anything_else_to_a_fail_state(states: dict[str, Any]) -> None:
    choice = states["Decision"]
    assert choice["Type"] == "Choice"
    assert [(c["Condition"], c["Next"]) for c in choice["Choices"]] == [
        ("{% $states.input.decision = 'approve' %}", "Grant access"),
        ("{% $states.input.decision = 'reject' %}", "Request rejected"),
    ]
    assert choice["Default"] == "Unknown decision"
    assert states["Request rejected"]["Type"] == "Succeed"
    assert states["Unknown decision"]["Type"] == "Fail"


def test_holds_access_open_with_a_wait_state_for_the_approved_minutes_then_revokes_it(states: dict[str, Any]) -> None:
    grant = states["Grant access"]
    assert grant["Arguments"]["ConditionExpression"] == "#status = :approved"
    assert grant["Next"] == "Access window"
    assert states["Access window"] == {
        "Type": "Wait",
        "Comment": "Keeps access open for the approved number of minutes.",
        "Seconds": "{% $request.durationMinutes * 60 %}",
        "Next": "Revoke access",
    }
    revoke = states["Revoke access"]
    assert revoke["Arguments"]["UpdateExpression"] == "SET #status = :revoked, revokedAt = :at"
    assert revoke["Next"] == "Access revoked"
    assert revoke["Retry"] == [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 6, "BackoffRate": 2, "JitterStrategy": "FULL"}]
    assert revoke["Catch"] == [{"ErrorEquals": ["States.ALL"], "Next": "Revoke failed"}]
    assert states["Revoke failed"]["Error"] == "RevokeFailed"


def test_retries_only_transient_lambda_errors_on_register_request_so_a_bad_request_fails_at_once(states: dict[str, Any]) -> None:
    register = states["Register request"]
    assert [r["ErrorEquals"] for r in register["Retry"]] == [
        ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"]
    ]
    assert register["Catch"] == [{"ErrorEquals": ["States.ALL"], "Next": "Request failed", "Output": "{% $states.errorOutput %}"}]


def test_retries_dynamodb_throttling_and_server_errors_on_grant_access_and_mark_expired_under_either_spelling_of_their_names(
    states: dict[str, Any],
) -> None:
    names = ["ProvisionedThroughputExceededException", "RequestLimitExceeded", "RequestLimitExceededException", "ThrottlingException", "InternalServerError", "InternalServerErrorException"]
    for name in ("Grant access", "Mark expired"):
        assert sorted(states[name]["Retry"][0]["ErrorEquals"]) == sorted(f"DynamoDB.{n}" for n in names), name


def test_runs_as_a_standard_jsonata_workflow_whose_timeout_outlasts_the_longest_wait_and_access_window(
    template: Template, flow: dict[str, Any]
) -> None:
    props = machine(template)
    assert props["StateMachineType"] == "STANDARD"
    assert props["TracingConfiguration"]["Enabled"] is True
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    # 24 h of waiting + 8 h of access + 1 h of headroom.
    assert flow["TimeoutSeconds"] == 86_400 + 480 * 60 + 3_600
    assert flow["QueryLanguage"] == "JSONata"
