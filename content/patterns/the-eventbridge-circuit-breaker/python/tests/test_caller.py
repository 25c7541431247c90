import json
import threading
import time
import urllib.error
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any, Optional

import pytest

from caller import (
    BreakerPolicy,
    CallerConfig,
    CallerDeps,
    CallOutcome,
    Circuit,
    call_service,
    counts_as_failure,
    create_handler,
    decide,
    http_get,
    read_config,
    target_url,
    window_start,
)

POLICY = BreakerPolicy(failure_threshold=3, window_ms=60_000)
T = int(datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc).timestamp() * 1000)


def seconds(n: float) -> int:
    return int(n * 1000)


# decide


def test_keeps_the_circuit_closed_with_no_recent_failures() -> None:
    assert decide([], T, POLICY) == Circuit(state="CLOSED", recent_failures=0)


def test_keeps_it_closed_below_the_threshold() -> None:
    assert decide([T - seconds(5), T - seconds(1)], T, POLICY) == Circuit(state="CLOSED", recent_failures=2)


def test_opens_at_the_threshold_and_says_when_the_oldest_counted_failure_leaves_the_window() -> None:
    # The failure 10 s ago leaves the 60 s window in 50 s.
    assert decide([T - seconds(10), T - seconds(5), T - seconds(1)], T, POLICY) == Circuit(state="OPEN", recent_failures=3, retry_after_seconds=50)


def test_ignores_failures_at_or_beyond_the_edge_of_the_window() -> None:
    assert decide([T - seconds(60), T - seconds(2), T - seconds(1)], T, POLICY).state == "CLOSED"
    assert decide([T - seconds(60) + 1, T - seconds(2), T - seconds(1)], T, POLICY).state == "OPEN"
    assert decide([T - seconds(3600), T - seconds(61)], T, POLICY).recent_failures == 0


def test_does_not_depend_on_the_order_of_the_failures_it_is_given() -> None:
    ordered = decide([T - seconds(1), T - seconds(20), T - seconds(30)], T, POLICY)
    shuffled = decide([T - seconds(20), T - seconds(30), T - seconds(1)], T, POLICY)
    assert ordered == shuffled == Circuit(state="OPEN", recent_failures=3, retry_after_seconds=30)


def test_with_more_failures_than_the_threshold_waits_for_enough_of_them_to_age_out() -> None:
    # Five failures: the circuit closes when the third most recent (25 s ago) leaves, in 35 s.
    times = [T - seconds(s) for s in (1, 10, 25, 40, 55)]
    assert decide(times, T, POLICY) == Circuit(state="OPEN", recent_failures=5, retry_after_seconds=35)


def test_treats_failures_stamped_in_the_future_from_clock_skew_as_happening_now() -> None:
    assert decide([T + seconds(5), T + seconds(1), T], T, POLICY) == Circuit(state="OPEN", recent_failures=3, retry_after_seconds=60)


def test_never_tells_a_client_to_retry_after_less_than_one_second() -> None:
    assert decide([T - seconds(60) + 200, T - seconds(1), T], T, POLICY).retry_after_seconds == 1


def test_opens_on_the_first_failure_when_the_threshold_is_one() -> None:
    assert decide([T - seconds(45)], T, BreakerPolicy(failure_threshold=1, window_ms=seconds(60))) == Circuit(
        state="OPEN", recent_failures=1, retry_after_seconds=15
    )


def test_closes_again_by_itself_as_failures_age_out_with_no_reset_call() -> None:
    times = [T, T + seconds(1), T + seconds(2)]
    assert decide(times, T + seconds(2), POLICY).state == "OPEN"
    assert decide(times, T + seconds(59), POLICY).state == "OPEN"
    assert decide(times, T + seconds(60), POLICY).state == "CLOSED"


def test_starts_the_window_exactly_one_window_length_ago() -> None:
    assert window_start(T, POLICY) == "2026-11-22T09:59:00.000Z"


# counts_as_failure


def test_counts_server_errors_and_throttling_not_client_errors_or_successes() -> None:
    for status in (500, 502, 503, 504, 429):
        assert counts_as_failure(status), status
    for status in (200, 204, 301, 400, 404):
        assert not counts_as_failure(status), status


# call_service


class Stalling(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        time.sleep(0.5)
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"late")
        except OSError:
            pass  # the caller gave up long ago, as it should

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def stalling_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def ticking_clock() -> Any:
    ticks = count(start=100, step=100)
    return lambda: next(ticks)


def test_reports_a_successful_answer_with_its_body() -> None:
    outcome = call_service("https://x", 1000, lambda _u, _t: (200, '{"ok":true}'), ticking_clock())
    assert outcome.ok is True
    assert outcome.body == '{"ok":true}'


def test_reports_a_503_as_a_failure_with_its_status() -> None:
    outcome = call_service("https://x", 1000, lambda _u, _t: (503, "down"), ticking_clock())
    assert outcome == CallOutcome(ok=False, reason="status", status_code=503, duration_ms=100, message="HTTP 503")


def test_reports_a_refused_connection_as_a_network_failure() -> None:
    def refused(_url: str, _timeout: float) -> tuple[int, str]:
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    assert call_service("https://x", 1000, refused).reason == "network"


def test_gives_up_after_the_timeout_and_reports_it_as_such(stalling_url: str) -> None:
    started = time.monotonic()
    outcome = call_service(stalling_url, 20, http_get)
    assert time.monotonic() - started < 0.4
    assert outcome.reason == "timeout"
    assert outcome.message == "no answer within 20 ms"


# target_url


def request(query: Optional[dict[str, str]] = None) -> dict[str, Any]:
    return {
        "queryStringParameters": query,
        "requestContext": {"domainName": "abc123.execute-api.eu-west-1.amazonaws.com", "stage": "prod", "requestId": "req-1"},
    }


CONFIG = CallerConfig(service_name="unreliable-service", timeout_ms=2000, policy=POLICY)


def test_defaults_to_the_stand_in_service_on_the_same_api_and_forwards_the_fail_switch() -> None:
    assert target_url(CONFIG, request()) == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/unreliable"
    assert target_url(CONFIG, request({"fail": "true"})) == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/unreliable?fail=true"


def test_uses_a_configured_url_as_it_is_without_the_demo_switch() -> None:
    config = CallerConfig(service_name="quotes", timeout_ms=2000, policy=POLICY, service_url="https://api.example.com/v1/quote")
    assert target_url(config, request({"fail": "true"})) == "https://api.example.com/v1/quote"


# caller handler


class Recorder:
    def __init__(self, outcome: Optional[CallOutcome] = None, failures: Optional[list[int]] = None) -> None:
        self.calls: list[str] = []
        self.reported: list[dict[str, Any]] = []
        self.queries: list[tuple[str, str, int]] = []
        self._outcome = outcome or CallOutcome(ok=True, status_code=200, body='{"message":"hi"}', duration_ms=12)
        self._failures = failures or []

    def deps(self, **overrides: Any) -> CallerDeps:
        def recent_failures(service: str, since: str, limit: int) -> list[int]:
            self.queries.append((service, since, limit))
            return self._failures

        def call(url: str) -> CallOutcome:
            self.calls.append(url)
            return self._outcome

        values = {"recent_failures": recent_failures, "call": call, "report_failure": self.reported.append, "now": lambda: T}
        return CallerDeps(**{**values, **overrides})


def test_asks_for_at_most_threshold_failures_since_the_start_of_the_window() -> None:
    r = Recorder()
    create_handler(r.deps(), CONFIG)(request())
    assert r.queries == [("unreliable-service", "2026-11-22T09:59:00.000Z", 3)]


def test_calls_the_service_while_the_circuit_is_closed_and_passes_its_answer_on() -> None:
    r = Recorder()
    response = create_handler(r.deps(), CONFIG)(request())
    assert len(r.calls) == 1
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"circuit": "CLOSED", "serviceStatus": 200, "durationMs": 12, "serviceResponse": {"message": "hi"}}


def test_fails_fast_with_503_and_retry_after_while_the_circuit_is_open_without_calling_the_service() -> None:
    r = Recorder(failures=[T - seconds(10), T - seconds(5), T - seconds(1)])
    response = create_handler(r.deps(), CONFIG)(request())
    assert r.calls == []
    assert r.reported == []
    assert response["statusCode"] == 503
    assert response["headers"]["retry-after"] == "50"
    assert json.loads(response["body"])["circuit"] == "OPEN"


def test_publishes_a_failure_event_and_answers_502_when_the_call_fails() -> None:
    r = Recorder(outcome=CallOutcome(ok=False, reason="timeout", duration_ms=2001, message="no answer within 2000 ms"))
    response = create_handler(r.deps(), CONFIG)(request())
    assert response["statusCode"] == 502
    assert r.reported == [
        {
            "service": "unreliable-service",
            "failedAt": "2026-11-22T10:00:00.000Z",
            "reason": "timeout",
            "durationMs": 2001,
            "message": "no answer within 2000 ms",
            "requestId": "req-1",
        }
    ]


def test_fails_open_calls_the_service_when_the_breaker_state_cannot_be_read() -> None:
    def unreadable(_service: str, _since: str, _limit: int) -> list[int]:
        raise RuntimeError("AccessDeniedException")

    r = Recorder()
    response = create_handler(r.deps(recent_failures=unreadable), CONFIG)(request())
    assert len(r.calls) == 1
    assert response["statusCode"] == 200


def test_still_answers_502_when_the_failure_event_cannot_be_published() -> None:
    def refused(_detail: Any) -> None:
        raise RuntimeError("ThrottlingException")

    r = Recorder(outcome=CallOutcome(ok=False, reason="status", status_code=503, duration_ms=40, message="HTTP 503"))
    assert create_handler(r.deps(report_failure=refused), CONFIG)(request())["statusCode"] == 502


# read_config


def test_reads_the_limits_and_uses_the_stand_in_service_when_no_url_is_set() -> None:
    assert read_config({"SERVICE_NAME": "quotes", "SERVICE_TIMEOUT_MS": "1500", "FAILURE_THRESHOLD": "5", "WINDOW_SECONDS": "30"}) == CallerConfig(
        service_name="quotes", service_url=None, timeout_ms=1500, policy=BreakerPolicy(failure_threshold=5, window_ms=30_000)
    )


def test_refuses_a_threshold_or_window_that_is_not_a_positive_whole_number() -> None:
    with pytest.raises(ValueError, match="FAILURE_THRESHOLD"):
        read_config({"FAILURE_THRESHOLD": "0"})
    with pytest.raises(ValueError, match="WINDOW_SECONDS"):
        read_config({"WINDOW_SECONDS": "soon"})
