import json
from typing import Any

import pytest

from high_value_screen import create_handler, screen
from tests.recording_trace import RecordingTrace


def order(total: float, currency: str = "EUR") -> Any:
    return {"orderId": "o-1", "customerId": "c-1", "total": total, "currency": currency}


def test_watches_a_plain_high_value_order() -> None:
    assert screen(order(1000)) == {"orderId": "o-1", "decision": "watch", "reasons": []}


def test_sends_large_or_foreign_currency_orders_to_review() -> None:
    assert screen(order(5000))["decision"] == "review"
    assert screen(order(1200, "USD"))["decision"] == "review"


def test_holds_very_large_orders_and_large_foreign_currency_ones() -> None:
    assert screen(order(10000))["decision"] == "hold"
    assert screen(order(6000, "JPY"))["reasons"] == ["total is at least 5000", "paid in JPY, not EUR"]
    assert screen(order(6000, "JPY"))["decision"] == "hold"


def test_annotates_the_decision_and_skips_an_order_the_filter_policy_should_not_have_let_through(caplog: pytest.LogCaptureFixture) -> None:
    trace = RecordingTrace()
    event = {"Records": [{"Sns": {"Message": json.dumps(o)}} for o in (order(999.99), order(7500, "USD"))]}
    result = create_handler(trace)(event)
    assert [r["decision"] for r in result] == ["hold"]
    assert trace.annotated("decision") == ["hold"]
    assert "below threshold" in caplog.text
