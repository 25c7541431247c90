"""Calls the recommendation service through a DynamoDB-backed circuit breaker, with a fallback."""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Optional, Protocol, TypeVar

from circuit_breaker import BreakerOptions, CircuitBreaker, CircuitOpenError, CircuitState
from dynamodb_state_store import DynamoDbStateStore
from state_log import state_change_line

logger = logging.getLogger()
logger.setLevel(logging.INFO)

T = TypeVar("T")

# What the page shows when the personalised list is unavailable: still useful, clearly labelled.
FALLBACK_RECOMMENDATIONS = ["Gift card", "Bestseller of the week"]


class DownstreamError(Exception):
    """The downstream answered badly, too slowly, or not at all."""


@dataclass(frozen=True)
class CallerConfig:
    call_timeout_ms: int
    # None: call this API's own /downstream route, found from the incoming request.
    downstream_url: Optional[str] = None


class Breaker(Protocol):
    @property
    def state(self) -> CircuitState: ...

    def fire(self, request: Callable[[], T]) -> T: ...


# GETs a URL within a timeout in seconds: the status and the body.
HttpGet = Callable[[str, float], tuple[int, bytes]]


def http_get(url: str, timeout_s: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - the URL is the stack's own or configured
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def call_downstream(url: str, timeout_ms: int, get: HttpGet = http_get) -> list[str]:
    try:
        status, body = get(url, timeout_ms / 1000)
    except (TimeoutError, socket.timeout):
        raise DownstreamError(f"no answer within {timeout_ms} ms") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            raise DownstreamError(f"no answer within {timeout_ms} ms") from None
        raise DownstreamError(f"could not connect: {error.reason}") from None
    except OSError as error:
        raise DownstreamError(f"could not connect: {error}") from None
    if not 200 <= status < 300:
        raise DownstreamError(f"HTTP {status}")
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = {}
    recommendations = parsed.get("recommendations") if isinstance(parsed, dict) else None
    if not isinstance(recommendations, list):
        raise DownstreamError("the answer had no recommendations list")
    return [str(item) for item in recommendations]


def target_url(config: CallerConfig, event: dict[str, Any]) -> str:
    if config.downstream_url:
        return config.downstream_url
    url = f"https://{event['requestContext']['domainName']}/downstream"
    # Lets a demo force the stand-in to fail (fail=true), stall (fail=slow) or work (fail=false).
    fail = (event.get("queryStringParameters") or {}).get("fail")
    return f"{url}?{urllib.parse.urlencode({'fail': fail})}" if fail else url


def _json(status: int, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **headers}, "body": json.dumps(body)}


Call = Callable[[str, int], list[str]]


def create_handler(breaker: Breaker, config: CallerConfig, call: Call = call_downstream) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        url = target_url(config, event)
        try:
            recommendations = breaker.fire(lambda: call(url, config.call_timeout_ms))
        except CircuitOpenError as error:
            # Either way the shopper gets a page: the fallback list, labelled, instead of an error.
            retry_after_seconds = math.ceil(error.retry_after_ms / 1000)
            return _json(
                200,
                {
                    "source": "fallback",
                    "circuit": error.state,
                    "reason": "circuit open; downstream not called",
                    "retryAfterSeconds": retry_after_seconds,
                    "recommendations": FALLBACK_RECOMMENDATIONS,
                },
                {"x-circuit-state": error.state, "retry-after": str(retry_after_seconds)},
            )
        except Exception as error:  # noqa: BLE001 - any failure still serves the fallback
            if isinstance(error, DownstreamError):
                reason = f"downstream failed: {error}"
            else:
                reason = "unexpected error"
                logger.error(json.dumps({"level": "ERROR", "message": reason, "error": str(error)}))
            return _json(
                200,
                {"source": "fallback", "circuit": breaker.state, "reason": reason, "recommendations": FALLBACK_RECOMMENDATIONS},
                {"x-circuit-state": breaker.state},
            )
        return _json(
            200,
            {"source": "downstream", "circuit": breaker.state, "recommendations": recommendations},
            {"x-circuit-state": breaker.state},
        )

    return handle


@dataclass(frozen=True)
class CallerOptions:
    breaker: BreakerOptions
    call_timeout_ms: int


def read_options(env: Mapping[str, str]) -> CallerOptions:
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

    call_timeout_ms = positive("CALL_TIMEOUT_MS", 2000)
    return CallerOptions(
        breaker=BreakerOptions(
            failure_threshold=positive("FAILURE_THRESHOLD", 3),
            success_threshold=positive("SUCCESS_THRESHOLD", 2),
            timeout_ms=positive("OPEN_TIMEOUT_MS", 15_000),
            # A trial call may take the whole call timeout; a second of slack covers the state writes.
            trial_lease_ms=call_timeout_ms + 1000,
        ),
        call_timeout_ms=call_timeout_ms,
    )


_handler: Optional[Callable[[dict[str, Any], Any], dict[str, Any]]] = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment; the state itself lives in DynamoDB, shared by all of them.
    global _handler
    if _handler is None:
        import boto3

        from dynamodb_state_store import epoch_ms

        options = read_options(os.environ)
        circuit_id = os.environ.get("CIRCUIT_ID", "downstream")
        store = DynamoDbStateStore(boto3.client("dynamodb"), os.environ.get("STATE_TABLE_NAME", ""), circuit_id)
        breaker = CircuitBreaker(
            store,
            options.breaker,
            epoch_ms,
            on_state_change=lambda from_state, to_state: logger.warning(state_change_line(from_state, to_state, circuit_id)),
            on_store_error=lambda error: logger.error(
                json.dumps({"level": "ERROR", "message": "circuit state unavailable; failing open", "error": str(error)})
            ),
        )
        _handler = create_handler(breaker, CallerConfig(call_timeout_ms=options.call_timeout_ms, downstream_url=os.environ.get("DOWNSTREAM_URL") or None))
    return _handler(event, context)
