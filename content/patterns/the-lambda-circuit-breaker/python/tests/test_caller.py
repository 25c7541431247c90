import json
import threading
import time
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, TypeVar

import pytest

from caller import (
    FALLBACK_RECOMMENDATIONS,
    CallerConfig,
    DownstreamError,
    call_downstream,
    create_handler,
    http_get,
    read_options,
    target_url,
)
from circuit_breaker import BreakerOptions, CircuitOpenError

T = TypeVar("T")


def request(query: Optional[dict[str, str]] = None) -> dict[str, Any]:
    return {"queryStringParameters": query, "requestContext": {"domainName": "abc.execute-api.eu-west-1.amazonaws.com"}}


class FixedBreaker:
    """A breaker that just runs the call, or refuses it, and reports a fixed state."""

    def __init__(self, state: str, refuse: Optional[CircuitOpenError] = None) -> None:
        self.state = state
        self._refuse = refuse

    def fire(self, call: Callable[[], T]) -> T:
        if self._refuse:
            raise self._refuse
        return call()


class Stalling(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        time.sleep(0.5)
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"recommendations": []}')
        except OSError:
            pass  # the caller gave up long ago, as it should

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def stalling_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_returns_the_recommendations_of_a_good_answer() -> None:
    assert call_downstream("https://x", 100, lambda _u, _t: (200, b'{"recommendations": ["a", "b"]}')) == ["a", "b"]


def test_treats_error_statuses_odd_bodies_refused_connections_and_timeouts_as_downstream_failures(stalling_url: str) -> None:
    with pytest.raises(DownstreamError, match="HTTP 500"):
        call_downstream("https://x", 100, lambda _u, _t: (500, b"no"))
    with pytest.raises(DownstreamError, match="no recommendations"):
        call_downstream("https://x", 100, lambda _u, _t: (200, b'{"nope": true}'))

    def refused(_url: str, _timeout: float) -> tuple[int, bytes]:
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    with pytest.raises(DownstreamError, match="could not connect"):
        call_downstream("https://x", 100, refused)
    # A real socket to a server that stalls: the call gives up at its own timeout.
    started = time.monotonic()
    with pytest.raises(DownstreamError, match="no answer within 20 ms"):
        call_downstream(stalling_url, 20, http_get)
    assert time.monotonic() - started < 0.4


def test_defaults_to_the_stand_in_on_the_same_api_and_forwards_the_fail_switch() -> None:
    assert target_url(CallerConfig(call_timeout_ms=1), request()) == "https://abc.execute-api.eu-west-1.amazonaws.com/downstream"
    assert (
        target_url(CallerConfig(call_timeout_ms=1), request({"fail": "slow"}))
        == "https://abc.execute-api.eu-west-1.amazonaws.com/downstream?fail=slow"
    )


def test_uses_a_configured_url_as_it_is() -> None:
    config = CallerConfig(call_timeout_ms=1, downstream_url="https://recs.example.com/v2")
    assert target_url(config, request({"fail": "true"})) == "https://recs.example.com/v2"


def test_returns_the_downstream_list_and_the_circuit_state_when_the_call_works() -> None:
    handler = create_handler(FixedBreaker("CLOSED"), CallerConfig(call_timeout_ms=2000), lambda _u, _t: ["Headlamp"])
    response = handler(request())
    assert response["statusCode"] == 200
    assert response["headers"]["x-circuit-state"] == "CLOSED"
    assert json.loads(response["body"]) == {"source": "downstream", "circuit": "CLOSED", "recommendations": ["Headlamp"]}


def test_serves_the_fallback_with_retry_after_while_the_circuit_is_open() -> None:
    called = False

    def call(_url: str, _timeout: int) -> list[str]:
        nonlocal called
        called = True
        return []

    handler = create_handler(FixedBreaker("OPEN", CircuitOpenError("OPEN", 12_400)), CallerConfig(call_timeout_ms=2000), call)
    response = handler(request())
    body = json.loads(response["body"])
    assert called is False
    assert response["statusCode"] == 200
    assert response["headers"]["retry-after"] == "13"
    assert body["source"] == "fallback"
    assert body["circuit"] == "OPEN"
    assert body["recommendations"] == FALLBACK_RECOMMENDATIONS


def test_serves_the_fallback_and_says_why_when_the_downstream_fails() -> None:
    def call(_url: str, _timeout: int) -> list[str]:
        raise DownstreamError("HTTP 500")

    body = json.loads(create_handler(FixedBreaker("CLOSED"), CallerConfig(call_timeout_ms=2000), call)(request())["body"])
    assert body["source"] == "fallback"
    assert body["reason"] == "downstream failed: HTTP 500"


def test_reads_the_thresholds_and_derives_the_trial_lease_from_the_call_timeout() -> None:
    options = read_options({"FAILURE_THRESHOLD": "5", "SUCCESS_THRESHOLD": "1", "OPEN_TIMEOUT_MS": "30000", "CALL_TIMEOUT_MS": "1500"})
    assert options.breaker == BreakerOptions(failure_threshold=5, success_threshold=1, timeout_ms=30_000, trial_lease_ms=2_500)
    assert options.call_timeout_ms == 1_500
    with pytest.raises(ValueError, match="FAILURE_THRESHOLD"):
        read_options({"FAILURE_THRESHOLD": "-1"})
