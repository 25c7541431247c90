import json
from typing import Any

import pytest

from transformer import create_handler, eventbridge_publish, is_iso_date, parse_amount_cents, transform_row

GOOD_ROW = {"order_id": "A-1001", "customer": "  Ada   Lovelace ", "amount": "12.5", "currency": "eur", "order_date": "2026-11-02"}


def extracted(fields: dict[str, str]) -> dict[str, Any]:
    return {"detail": {"bucket": "landing", "key": "orders.csv", "row": 4, "fields": fields}}


def test_turns_decimal_strings_into_whole_cents() -> None:
    assert parse_amount_cents("12") == 1200
    assert parse_amount_cents("12.5") == 1250
    assert parse_amount_cents(" 0.07 ") == 7
    assert parse_amount_cents("19.99") == 1999


@pytest.mark.parametrize("bad", ["-1", "1.999", "1,000.00", "abc", "", None, "١٢"])
def test_refuses_negative_badly_formatted_or_over_precise_amounts(bad: str | None) -> None:
    # The last one is 12 in Arabic-Indic digits, which Python's \d would have accepted.
    assert parse_amount_cents(bad) is None


def test_accepts_real_dates_and_rejects_impossible_or_differently_written_ones() -> None:
    assert is_iso_date("2024-02-29") is True
    assert is_iso_date("2026-02-29") is False
    assert is_iso_date("2026-13-01") is False
    assert is_iso_date("02/11/2026") is False
    # fromisoformat alone would accept this compact form on Python 3.11+.
    assert is_iso_date("20261102") is False


def test_normalises_a_valid_row_into_a_typed_order() -> None:
    result = transform_row(GOOD_ROW)
    assert result.ok
    assert result.order == {"orderId": "A-1001", "customer": "Ada Lovelace", "amountCents": 1250, "currency": "EUR", "orderDate": "2026-11-02"}


def test_lists_every_problem_of_an_invalid_row() -> None:
    result = transform_row({"order_id": "bad id!", "customer": "", "amount": "-3", "currency": "euro", "order_date": "2026-02-30"})
    assert not result.ok
    assert len(result.errors) == 5


def test_publishes_a_valid_row_as_row_transformed_with_its_origin() -> None:
    published: list[dict[str, str]] = []
    create_handler(published.append, "etl-bus")(extracted(GOOD_ROW))
    assert len(published) == 1
    assert published[0]["EventBusName"] == "etl-bus"
    assert published[0]["Source"] == "etl.transform"
    assert published[0]["DetailType"] == "RowTransformed"
    detail = json.loads(published[0]["Detail"])
    assert detail["key"] == "orders.csv"
    assert detail["row"] == 4
    assert detail["order"]["amountCents"] == 1250


def test_publishes_an_invalid_row_as_row_rejected_which_the_load_rule_does_not_match() -> None:
    published: list[dict[str, str]] = []
    create_handler(published.append, "etl-bus")(extracted({**GOOD_ROW, "amount": "twelve"}))
    assert published[0]["DetailType"] == "RowRejected"
    assert json.loads(published[0]["Detail"])["errors"] == ["amount must be a non-negative number with at most two decimals"]


def test_lets_a_publishing_failure_surface_so_lambda_retries_the_row() -> None:
    def failing(_entry: dict[str, str]) -> None:
        raise RuntimeError("ThrottlingException")

    with pytest.raises(RuntimeError, match="ThrottlingException"):
        create_handler(failing, "etl-bus")(extracted(GOOD_ROW))


class FakeEvents:
    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response
        self.calls: list[dict[str, Any]] = []

    def put_events(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return self.response


def test_raises_when_put_events_refuses_the_entry_in_a_successful_response() -> None:
    entry = {"EventBusName": "etl-bus", "Source": "etl.transform", "DetailType": "RowTransformed", "Detail": "{}"}
    accepted = FakeEvents({"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]})
    eventbridge_publish(accepted)(entry)
    assert accepted.calls == [{"Entries": [entry]}]
    refused = FakeEvents({"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}]})
    with pytest.raises(RuntimeError, match="ThrottlingException Rate exceeded"):
        eventbridge_publish(refused)(entry)
