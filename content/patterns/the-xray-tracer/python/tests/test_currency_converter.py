import json
from typing import Any

import pytest

from currency_converter import convert, create_handler, frankfurter_rate, rate_url
from tests.recording_trace import RecordingTrace


def sns_event(*messages: str) -> dict[str, Any]:
    return {"Records": [{"Sns": {"Message": m}} for m in messages]}


def order(currency: str, total: float = 100) -> str:
    return json.dumps({"orderId": "o-1", "customerId": "c-1", "total": total, "currency": currency})


class FakeGet:
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body, self.urls = status, body, []

    def __call__(self, url: str, _timeout: float) -> tuple[int, bytes]:
        self.urls.append(url)
        return self.status, json.dumps(self.body).encode()


def test_builds_the_latest_rate_url_for_one_currency_pair() -> None:
    assert rate_url("https://api.example.test/v1/", "USD", "EUR") == "https://api.example.test/v1/latest?base=USD&symbols=EUR"


def test_reads_the_rate_from_a_successful_answer() -> None:
    get = FakeGet(200, {"amount": 1, "base": "USD", "date": "2026-11-20", "rates": {"EUR": 0.9231}})
    assert frankfurter_rate("https://api.example.test/v1", get)("USD", "EUR") == 0.9231
    assert get.urls == ["https://api.example.test/v1/latest?base=USD&symbols=EUR"]


def test_treats_a_4xx_as_an_unknown_currency_which_retrying_cannot_fix() -> None:
    assert frankfurter_rate("https://x.test", FakeGet(404, {"message": "not found"}))("XXX", "EUR") is None


def test_throws_on_a_5xx_or_a_missing_rate_so_lambda_retries_the_event() -> None:
    with pytest.raises(RuntimeError, match="503"):
        frankfurter_rate("https://x.test", FakeGet(503, {}))("USD", "EUR")
    with pytest.raises(RuntimeError, match="no usable"):
        frankfurter_rate("https://x.test", FakeGet(200, {"rates": {}}))("USD", "EUR")


def test_rounds_converted_totals_to_cents() -> None:
    assert convert(1250, 0.92317) == 1153.96


def test_converts_a_foreign_currency_order_with_the_fetched_rate_inside_its_own_span() -> None:
    asked: list[str] = []
    trace = RecordingTrace()

    def fetch_rate(from_currency: str, to_currency: str) -> float:
        asked.append(f"{from_currency}->{to_currency}")
        return 0.5

    result = create_handler(fetch_rate, trace)(sns_event(order("USD", 80)))
    assert result == [{"orderId": "o-1", "total": 80, "currency": "USD", "rate": 0.5, "reportingTotal": 40}]
    assert asked == ["USD->EUR"]
    assert trace.spans == ["### fetch exchange rate"]
    assert trace.annotated("rateFound") == [True]


def test_makes_no_http_call_for_orders_already_in_the_reporting_currency() -> None:
    calls: list[str] = []
    result = create_handler(lambda f, t: calls.append(f) or 2, RecordingTrace())(sns_event(order("EUR", 75)))
    assert calls == []
    assert result[0]["reportingTotal"] == 75


def test_records_an_unknown_currency_on_the_trace_instead_of_failing() -> None:
    trace = RecordingTrace()
    result = create_handler(lambda _f, _t: None, trace)(sns_event(order("XXX")))
    assert result[0]["reportingTotal"] is None
    assert trace.annotated("rateFound") == [False]
