"""Checks the circuit, calls the dependency, and publishes an event when the call fails."""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from breaker_events import CALLER_SOURCE, SERVICE_CALL_FAILED, FailureReason, ServiceCallFailedDetail, epoch_ms_of, iso

logger = logging.getLogger()
logger.setLevel(logging.INFO)


@dataclass(frozen=True)
class BreakerPolicy:
    # Failures inside the window that open the circuit.
    failure_threshold: int
    window_ms: int


@dataclass(frozen=True)
class Circuit:
    state: Literal["CLOSED", "OPEN"]
    recent_failures: int
    # OPEN only: when to try again if nothing else fails meanwhile.
    retry_after_seconds: Optional[int] = None


@dataclass(frozen=True)
class CallOutcome:
    ok: bool
    duration_ms: int
    status_code: Optional[int] = None
    body: str = ""
    reason: Optional[FailureReason] = None
    message: str = ""


@dataclass(frozen=True)
class CallerConfig:
    service_name: str
    timeout_ms: int
    policy: BreakerPolicy
    # None: call this API's own /unreliable route, found from the incoming request.
    service_url: Optional[str] = None


@dataclass
class CallerDeps:
    """Everything the handler needs from the outside world, so tests can replace each piece."""

    # Epoch milliseconds of the most recent failures of a service after an ISO time, at most `limit` of them.
    recent_failures: Callable[[str, str, int], list[int]]
    call: Callable[[str], CallOutcome]
    report_failure: Callable[[ServiceCallFailedDetail], None]
    now: Callable[[], int] = field(default=lambda: int(time.time() * 1000))


def decide(failure_times: list[int], now: int, policy: BreakerPolicy) -> Circuit:
    """The breaker's decision.

    The circuit is open while at least `failure_threshold` failures lie inside the window that ends
    now. Nobody closes it: it closes by itself when enough failures have aged out, and
    `retry_after_seconds` says when that will happen if nothing else fails meanwhile.
    """
    window_starts_at = now - policy.window_ms
    # A failure stamped slightly in the future (clock skew between functions) counts as happening now.
    recent = sorted((min(t, now) for t in failure_times if t > window_starts_at), reverse=True)
    if len(recent) < policy.failure_threshold:
        return Circuit(state="CLOSED", recent_failures=len(recent))
    # Below the threshold again once the threshold-th most recent failure leaves the window.
    leaves_window_at = recent[policy.failure_threshold - 1] + policy.window_ms
    return Circuit(state="OPEN", recent_failures=len(recent), retry_after_seconds=max(1, math.ceil((leaves_window_at - now) / 1000)))


def window_start(now: int, policy: BreakerPolicy) -> str:
    return iso(now - policy.window_ms)


def counts_as_failure(status_code: int) -> bool:
    """Server errors and throttling say the dependency is unwell; other answers, even 4xx, say it is up."""
    return status_code >= 500 or status_code == 429


def http_get(url: str, timeout_s: float) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - the stack's own or configured URL
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def _timed_out(error: BaseException) -> bool:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, (TimeoutError, socket.timeout))


def call_service(
    url: str,
    timeout_ms: int,
    get: Callable[[str, float], tuple[int, str]] = http_get,
    clock: Callable[[], int] = lambda: int(time.monotonic() * 1000),
) -> CallOutcome:
    started = clock()
    try:
        status, body = get(url, timeout_ms / 1000)
    except OSError as error:  # URLError, socket timeouts and refused connections are all OSErrors
        duration_ms = clock() - started
        if _timed_out(error):
            return CallOutcome(ok=False, reason="timeout", duration_ms=duration_ms, message=f"no answer within {timeout_ms} ms")
        return CallOutcome(ok=False, reason="network", duration_ms=duration_ms, message=str(error))
    duration_ms = clock() - started
    if not counts_as_failure(status):
        return CallOutcome(ok=True, status_code=status, body=body, duration_ms=duration_ms)
    return CallOutcome(ok=False, reason="status", status_code=status, duration_ms=duration_ms, message=f"HTTP {status}")


def target_url(config: CallerConfig, event: dict[str, Any]) -> str:
    if config.service_url:
        return config.service_url
    context = event["requestContext"]
    url = f"https://{context['domainName']}/{context['stage']}/unreliable"
    # Lets a demo force the stand-in service to fail (fail=true), stall (fail=slow) or succeed (fail=false).
    fail = (event.get("queryStringParameters") or {}).get("fail")
    return f"{url}?{urllib.parse.urlencode({'fail': fail})}" if fail else url


def _json(status: int, body: Any, headers: Optional[dict[str, str]] = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def _parse_body(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body


def _log(level: int, message: str, **extra: Any) -> None:
    logger.log(level, json.dumps({"level": logging.getLevelName(level), "message": message, **extra}))


def create_handler(deps: CallerDeps, config: CallerConfig) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    policy, service_name = config.policy, config.service_name

    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        circuit = Circuit(state="CLOSED", recent_failures=0)
        try:
            failures = deps.recent_failures(service_name, window_start(deps.now(), policy), policy.failure_threshold)
            circuit = decide(failures, deps.now(), policy)
        except Exception as error:  # noqa: BLE001
            # Fail open: if the breaker's own state cannot be read, the dependency still deserves a try.
            _log(logging.WARNING, "could not read the circuit state; calling the service anyway", error=str(error))

        if circuit.state == "OPEN":
            _log(logging.INFO, "circuit open, failing fast", service=service_name, recentFailures=circuit.recent_failures)
            return _json(
                503,
                {
                    "circuit": "OPEN",
                    "message": f"{service_name} failed at least {policy.failure_threshold} times in the last "
                    f"{policy.window_ms // 1000} seconds, so it was not called.",
                    "retryAfterSeconds": circuit.retry_after_seconds,
                },
                {"retry-after": str(circuit.retry_after_seconds)},
            )

        outcome = deps.call(target_url(config, event))
        if outcome.ok:
            return _json(
                200,
                {"circuit": "CLOSED", "serviceStatus": outcome.status_code, "durationMs": outcome.duration_ms, "serviceResponse": _parse_body(outcome.body)},
            )

        detail: ServiceCallFailedDetail = {
            "service": service_name,
            "failedAt": iso(deps.now()),
            "reason": outcome.reason or "network",
            "durationMs": outcome.duration_ms,
            "message": outcome.message,
            "requestId": event["requestContext"]["requestId"],
        }
        if outcome.status_code is not None:
            detail["statusCode"] = outcome.status_code
        try:
            deps.report_failure(detail)
        except Exception as error:  # noqa: BLE001
            # The caller has already lost this call; an unrecorded failure only makes the breaker more lenient.
            _log(logging.ERROR, "could not publish the failure event", error=str(error), detail=detail)
        return _json(502, {"circuit": "CLOSED", "message": f"{service_name} failed: {outcome.message}.", "reason": outcome.reason})

    return handle


def dynamo_recent_failures(client: Any, table_name: str) -> Callable[[str, str, int], list[int]]:
    def recent_failures(service: str, since_iso: str, limit: int) -> list[int]:
        # The key condition does the time filtering; TTL only tidies up and may lag by days.
        result = client.query(
            TableName=table_name,
            KeyConditionExpression="#service = :service AND failedAt > :since",
            ExpressionAttributeNames={"#service": "service"},
            ExpressionAttributeValues={":service": {"S": service}, ":since": {"S": since_iso}},
            ProjectionExpression="failedAt",
            ScanIndexForward=False,
            Limit=limit,
        )
        return [epoch_ms_of(item["failedAt"]["S"].split("#")[0]) for item in result.get("Items", [])]

    return recent_failures


def eventbridge_report(client: Any, event_bus_name: str) -> Callable[[ServiceCallFailedDetail], None]:
    def report(detail: ServiceCallFailedDetail) -> None:
        result = client.put_events(
            Entries=[{"EventBusName": event_bus_name, "Source": CALLER_SOURCE, "DetailType": SERVICE_CALL_FAILED, "Detail": json.dumps(detail)}]
        )
        if result.get("FailedEntryCount", 0) > 0:
            raise RuntimeError(f"PutEvents refused the entry: {result.get('Entries', [{}])[0].get('ErrorCode')}")

    return report


def read_config(env: Mapping[str, str]) -> CallerConfig:
    """Reads the stack's settings; the fallbacks only matter when the module is loaded outside Lambda."""

    def positive(name: str, fallback: int) -> int:
        raw = env.get(name)
        if raw is None:
            return fallback
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {raw}")
        return value

    return CallerConfig(
        service_name=env.get("SERVICE_NAME") or "unreliable-service",
        service_url=env.get("SERVICE_URL") or None,
        timeout_ms=positive("SERVICE_TIMEOUT_MS", 2000),
        policy=BreakerPolicy(failure_threshold=positive("FAILURE_THRESHOLD", 3), window_ms=positive("WINDOW_SECONDS", 60) * 1000),
    )


_handler: Optional[Callable[[dict[str, Any], Any], dict[str, Any]]] = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connections.
    global _handler
    if _handler is None:
        import boto3

        config = read_config(os.environ)
        deps = CallerDeps(
            recent_failures=dynamo_recent_failures(boto3.client("dynamodb"), os.environ.get("FAILURES_TABLE_NAME", "")),
            call=lambda url: call_service(url, config.timeout_ms),
            report_failure=eventbridge_report(boto3.client("events"), os.environ.get("EVENT_BUS_NAME", "")),
        )
        _handler = create_handler(deps, config)
    return _handler(event, context)
