import io
import json
from typing import Any

import pytest

from functions.greeter import create_handler
from functions.traffic_hook import (
    SYNTHETIC_REQUEST,
    HookStatus,
    Invoke,
    InvokeResult,
    codedeploy_report,
    create_hook,
    judge_answer,
    lambda_invoke,
)

EVENT = {"DeploymentId": "d-ABCDEF123", "LifecycleEventHookExecutionId": "hook-execution-1"}
TARGET = "arn:aws:lambda:us-east-1:111122223333:function:Greeter:7"


def answered(status_code: int, body: Any) -> InvokeResult:
    """What Lambda's Invoke returns when the function answers with this HTTP response."""
    return {"StatusCode": 200, "Payload": json.dumps({"statusCode": status_code, "body": json.dumps(body)}).encode()}


def run_hook(invoke: Invoke, expected_version: str = "7") -> tuple[HookStatus, list[tuple[dict[str, Any], HookStatus]], list[tuple[str, Any]]]:
    """Runs one hook with a stubbed invoke and records every report it sends."""
    reports: list[tuple[dict[str, Any], HookStatus]] = []
    invoked: list[tuple[str, Any]] = []

    def recording_invoke(arn: str, payload: str) -> InvokeResult:
        invoked.append((arn, json.loads(payload)))
        return invoke(arn, payload)

    hook = create_hook(
        target=TARGET,
        expected_version=expected_version,
        invoke=recording_invoke,
        report=lambda event, status: reports.append((event, status)),
    )
    return hook(EVENT, None), reports, invoked


def test_reports_succeeded_when_the_target_answers_200_with_a_greeting_from_the_expected_version() -> None:
    status, reports, invoked = run_hook(lambda _arn, _payload: answered(200, {"message": "Hello from version 7.", "version": "7"}))
    assert status == "Succeeded"
    assert reports == [(EVENT, "Succeeded")]
    assert invoked == [(TARGET, SYNTHETIC_REQUEST)]


def test_reports_failed_when_the_answer_comes_from_another_version() -> None:
    _, reports, _ = run_hook(lambda _arn, _payload: answered(200, {"message": "Hello from version 6.", "version": "6"}))
    assert reports == [(EVENT, "Failed")]


@pytest.mark.parametrize(
    "result",
    [
        answered(500, {"message": "broken", "version": "7"}),
        {"StatusCode": 200, "Payload": b'{"statusCode":200,"body":"<html>"}'},
        {"StatusCode": 200, "Payload": b"null"},
        answered(200, {"version": "7"}),
    ],
)
def test_reports_failed_on_a_bad_answer(result: InvokeResult) -> None:
    _, reports, _ = run_hook(lambda _arn, _payload: result)
    assert reports == [(EVENT, "Failed")]


def test_reports_failed_when_the_new_version_throws() -> None:
    crashed: InvokeResult = {
        "StatusCode": 200,
        "FunctionError": "Unhandled",
        "Payload": b'{"errorType":"Exception","errorMessage":"broken release"}',
    }
    _, reports, _ = run_hook(lambda _arn, _payload: crashed)
    assert reports == [(EVENT, "Failed")]


def test_reports_failed_when_the_invoke_itself_fails() -> None:
    def failing(_arn: str, _payload: str) -> InvokeResult:
        raise RuntimeError("AccessDeniedException: not authorized to perform lambda:InvokeFunction")

    status, reports, _ = run_hook(failing)
    assert status == "Failed"
    assert reports == [(EVENT, "Failed")]


def test_sends_a_request_the_greeter_answers_so_a_healthy_version_passes() -> None:
    greeter = create_handler("7")
    _, reports, _ = run_hook(lambda _arn, payload: {"StatusCode": 200, "Payload": json.dumps(greeter(json.loads(payload), None)).encode()})
    assert reports == [(EVENT, "Succeeded")]


def test_explains_each_failure_in_its_verdict() -> None:
    assert judge_answer(answered(200, {"message": "Hi", "version": "6"}), "7") == "the answer came from version 6, not 7"
    assert judge_answer({"StatusCode": 500}, "7") == "Lambda answered the invoke with status 500"
    assert judge_answer({"StatusCode": 200, "Payload": b"null"}, "7") == "the answer is not an HTTP response with a JSON body: null"


class FakeLambda:
    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return self.response


def test_invokes_the_target_synchronously_and_reads_the_payload() -> None:
    client = FakeLambda({"StatusCode": 200, "FunctionError": "Unhandled", "Payload": io.BytesIO(b'{"errorMessage":"boom"}')})
    result = lambda_invoke(client)(TARGET, '{"rawPath":"/"}')
    assert client.calls == [{"FunctionName": TARGET, "InvocationType": "RequestResponse", "Payload": b'{"rawPath":"/"}'}]
    assert result == {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": b'{"errorMessage":"boom"}'}


class FakeCodeDeploy:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def put_lifecycle_event_hook_execution_status(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {}


def test_sends_the_status_with_put_lifecycle_event_hook_execution_status_and_the_ids_codedeploy_gave() -> None:
    client = FakeCodeDeploy()
    codedeploy_report(client)(EVENT, "Failed")
    assert client.calls == [{"deploymentId": "d-ABCDEF123", "lifecycleEventHookExecutionId": "hook-execution-1", "status": "Failed"}]
