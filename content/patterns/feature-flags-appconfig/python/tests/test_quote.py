import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from functions.quote import (
    FALLBACK_MARKER,
    FLAT_SHIPPING_CENTS,
    SAFE_DEFAULTS,
    agent_flags,
    create_handler,
    parse_flags,
    price_cart,
    rollout_bucket,
)

# What the agent returns for a profile: flag keys with enabled and, for enabled flags, their attributes.
AGENT_ANSWER: dict[str, Any] = {
    "newPricing": {"enabled": True, "rolloutPercent": 20, "discountPercent": 10},
    "freeShipping": {"enabled": True, "thresholdCents": 5000},
    "promoBanner": {"enabled": True, "message": "Spring sale"},
}


def test_reads_enabled_flags_with_their_attributes() -> None:
    assert parse_flags(AGENT_ANSWER) == AGENT_ANSWER


def test_treats_a_disabled_missing_or_malformed_flag_as_off_flag_by_flag() -> None:
    flags = parse_flags(
        {
            "newPricing": {"enabled": True, "rolloutPercent": "20", "discountPercent": 10},
            "freeShipping": {"enabled": False},
            "promoBanner": {"enabled": True},
        }
    )
    assert flags == SAFE_DEFAULTS
    assert parse_flags(None) == SAFE_DEFAULTS
    assert parse_flags({"freeShipping": {"enabled": True, "thresholdCents": 100}})["freeShipping"] == {"enabled": True, "thresholdCents": 100}


def test_puts_a_customer_in_the_same_bucket_every_time() -> None:
    assert rollout_bucket("newPricing", "c-1002") == 9
    assert rollout_bucket("newPricing", "c-1001") == 14
    assert rollout_bucket("newPricing", "c-1003") == 78


def test_prices_with_the_new_engine_only_for_customers_inside_the_rollout_percentage() -> None:
    flags = parse_flags(AGENT_ANSWER)
    assert price_cart({"customerId": "c-1001", "cartCents": 7400}, (flags, "appconfig")) == {
        "customerId": "c-1001",
        "cartCents": 7400,
        "pricing": "new",
        "discountCents": 740,
        "shippingCents": 0,
        "totalCents": 6660,
        "banner": "Spring sale",
        "flags": "appconfig",
    }
    outside = price_cart({"customerId": "c-1003", "cartCents": 7400}, (flags, "appconfig"))
    assert (outside["pricing"], outside["discountCents"], outside["totalCents"]) == ("classic", 0, 7400)


def test_charges_flat_shipping_below_the_threshold_and_ships_free_at_or_above_it() -> None:
    flags = parse_flags(AGENT_ANSWER)
    assert price_cart({"customerId": "c-1003", "cartCents": 4999}, (flags, "appconfig"))["shippingCents"] == FLAT_SHIPPING_CENTS
    assert price_cart({"customerId": "c-1003", "cartCents": 5000}, (flags, "appconfig"))["shippingCents"] == 0


def test_with_every_flag_off_prices_the_classic_way() -> None:
    assert price_cart({"customerId": "c-1001", "cartCents": 7400}, (SAFE_DEFAULTS, "defaults")) == {
        "customerId": "c-1001",
        "cartCents": 7400,
        "pricing": "classic",
        "discountCents": 0,
        "shippingCents": FLAT_SHIPPING_CENTS,
        "totalCents": 7400 + FLAT_SHIPPING_CENTS,
        "banner": None,
        "flags": "defaults",
    }


def test_answers_a_bad_request_without_reading_flags_or_raising() -> None:
    reads: list[int] = []

    def read() -> Any:
        reads.append(1)
        return SAFE_DEFAULTS, "appconfig"

    handler = create_handler(read)
    assert handler({"customerId": "c 1", "cartCents": 100}) == {
        "ok": False,
        "error": "customerId must be 1 to 64 letters, digits, underscores or hyphens",
    }
    assert handler({"customerId": "c-1", "cartCents": 1.5})["ok"] is False
    assert handler({"customerId": "c-1", "cartCents": -1})["ok"] is False
    assert handler({"customerId": "c-1", "cartCents": True})["ok"] is False
    assert handler(None)["ok"] is False
    assert reads == []


def test_prices_a_valid_request_with_the_flags_it_read() -> None:
    response = create_handler(lambda: (parse_flags(AGENT_ANSWER), "appconfig"))({"customerId": "c-1002", "cartCents": 2000})
    assert (response["ok"], response["pricing"], response["totalCents"]) == (True, "new", 1800 + FLAT_SHIPPING_CENTS)


class FakeAgent(BaseHTTPRequestHandler):
    """Plays the AppConfig agent on 127.0.0.1: answers by the first path segment."""

    requested: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        FakeAgent.requested.append(self.path)
        if self.path.startswith("/ok"):
            self._send(200, json.dumps(AGENT_ANSWER))
        elif self.path.startswith("/broken"):
            self._send(200, '{"newPricing": ')
        elif self.path.startswith("/slow"):
            time.sleep(0.5)
            self._send(200, json.dumps(AGENT_ANSWER))
        else:
            self._send(500, "no configuration yet")

    def _send(self, status: int, body: str) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())
        except OSError:
            pass  # the client already gave up

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def agent() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAgent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_reads_every_flag_of_the_profile_in_one_local_call(agent: str) -> None:
    path = "/ok/applications/app/environments/live/configurations/profile"
    assert agent_flags(agent + path)() == (AGENT_ANSWER, "appconfig")
    assert FakeAgent.requested.count(path) == 1


def test_falls_back_to_every_flag_off_when_the_agent_answers_an_error(agent: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert agent_flags(agent + "/error")() == (SAFE_DEFAULTS, "defaults")
    assert FALLBACK_MARKER in caplog.text


def test_falls_back_to_every_flag_off_when_the_agent_is_not_listening(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with caplog.at_level(logging.WARNING):
        assert agent_flags(f"http://127.0.0.1:{port}/applications/a")() == (SAFE_DEFAULTS, "defaults")
    assert FALLBACK_MARKER in caplog.text


def test_falls_back_to_every_flag_off_when_the_agent_is_slower_than_the_timeout_or_sends_broken_json(agent: str) -> None:
    started = time.monotonic()
    assert agent_flags(agent + "/slow", timeout_seconds=0.1)()[1] == "defaults"
    assert time.monotonic() - started < 0.45, "the read gave up at its timeout"
    assert agent_flags(agent + "/broken")()[1] == "defaults"
