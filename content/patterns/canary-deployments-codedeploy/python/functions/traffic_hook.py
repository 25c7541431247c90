"""A CodeDeploy traffic hook: one synthetic request to the target, one verdict, one report."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any, Literal, TypedDict

logger = logging.getLogger()
logger.setLevel(logging.INFO)

HookStatus = Literal["Succeeded", "Failed"]


class InvokeResult(TypedDict, total=False):
    """The parts of a Lambda Invoke response the check reads; Payload already read into bytes."""

    StatusCode: int
    FunctionError: str
    Payload: bytes


# Calls a function (a version or an alias ARN) synchronously with a JSON payload.
Invoke = Callable[[str, str], InvokeResult]
# Tells CodeDeploy how this run of the hook ended.
Report = Callable[[dict[str, Any], HookStatus], None]

# A GET / as the HTTP API (payload format 2.0) would send it, marked so logs can tell it from real traffic.
SYNTHETIC_REQUEST: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/",
    "rawQueryString": "",
    "headers": {"user-agent": "codedeploy-traffic-hook"},
    "requestContext": {
        "http": {"method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "codedeploy-traffic-hook"},
        "requestId": "codedeploy-traffic-hook",
        "routeKey": "$default",
        "stage": "$default",
    },
    "isBase64Encoded": False,
}


def judge_answer(result: InvokeResult, expected_version: str) -> str | None:
    """None when the answer is a 200 greeting from the expected version, otherwise the reason it is not."""
    text = (result.get("Payload") or b"").decode("utf-8", errors="replace")
    if result.get("FunctionError"):
        return f"the function failed ({result['FunctionError']}): {text[:300]}"
    if result.get("StatusCode") != 200:
        return f"Lambda answered the invoke with status {result.get('StatusCode')}"
    try:
        answer = json.loads(text)
        body = json.loads(str(answer["body"]))
    except (ValueError, TypeError, KeyError):
        return f"the answer is not an HTTP response with a JSON body: {text[:300]}"
    if not isinstance(body, dict):
        return f"the answer is not an HTTP response with a JSON body: {text[:300]}"
    if answer.get("statusCode") != 200:
        return f"the function answered HTTP {answer.get('statusCode')}"
    if not isinstance(body.get("message"), str) or not body["message"]:
        return "the answer carries no greeting"
    if body.get("version") != expected_version:
        return f"the answer came from version {body.get('version')}, not {expected_version}"
    return None


def lambda_invoke(client: Any) -> Invoke:
    def invoke(function_arn: str, payload: str) -> InvokeResult:
        response = client.invoke(FunctionName=function_arn, InvocationType="RequestResponse", Payload=payload.encode("utf-8"))
        result: InvokeResult = {"StatusCode": response.get("StatusCode", 0), "Payload": response["Payload"].read()}
        if response.get("FunctionError"):
            result["FunctionError"] = response["FunctionError"]
        return result

    return invoke


def codedeploy_report(client: Any) -> Report:
    def report(event: dict[str, Any], status: HookStatus) -> None:
        client.put_lifecycle_event_hook_execution_status(
            deploymentId=event["DeploymentId"],
            lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
            status=status,
        )

    return report


def create_hook(*, target: str, expected_version: str, invoke: Invoke, report: Report) -> Callable[[dict[str, Any], Any], HookStatus]:
    """Any failure to get a good answer, including an invoke that raises, becomes Failed:
    CodeDeploy waits for a report, so the hook must always send one."""

    def handle(event: dict[str, Any], _context: Any = None) -> HookStatus:
        try:
            reason = judge_answer(invoke(target, json.dumps(SYNTHETIC_REQUEST)), expected_version)
        except Exception as error:  # noqa: BLE001 - any failure to check is a failed check
            reason = f"the invoke failed: {error}"
        status: HookStatus = "Succeeded" if reason is None else "Failed"
        entry = {
            "message": "traffic check",
            "deploymentId": event.get("DeploymentId"),
            "target": target,
            "expectedVersion": expected_version,
            "status": status,
        }
        if reason is None:
            logger.info(json.dumps(entry))
        else:
            logger.error(json.dumps({**entry, "reason": reason}))
        report(event, status)
        return status

    return handle


_hook: Callable[[dict[str, Any], Any], HookStatus] | None = None


def handler(event: dict[str, Any], context: Any) -> HookStatus:
    # Created once per execution environment, so a retried invocation reuses the connections.
    global _hook
    if _hook is None:
        import boto3

        _hook = create_hook(
            target=os.environ["TARGET_FUNCTION_ARN"],
            expected_version=os.environ["EXPECTED_VERSION"],
            invoke=lambda_invoke(boto3.client("lambda")),
            report=codedeploy_report(boto3.client("codedeploy")),
        )
    return _hook(event, context)
