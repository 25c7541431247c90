from typing import Any

import pytest

from record_stock_outcome import create_record_stock_outcome
from tests.fakes import OrdersTable


def outcome_event(outcome: str) -> dict[str, Any]:
    return {"id": "evt-9", "source": "shop.inventory", "detail-type": "StockReserved", "detail": {"orderId": "o-1", "outcome": outcome, "decidedAt": "2026-12-05T10:00:05.000Z"}}


def test_confirms_a_placed_order_once_and_a_redelivered_outcome_changes_nothing() -> None:
    table = OrdersTable("PLACED")
    record = create_record_stock_outcome(table.update, "Orders")
    assert record(outcome_event("RESERVED")) == "applied"
    assert table.status == "CONFIRMED"
    assert record(outcome_event("UNAVAILABLE")) == "ignored"
    assert table.status == "CONFIRMED"
    assert table.calls[0] == {
        "TableName": "Orders",
        "Key": {"orderId": {"S": "o-1"}},
        "UpdateExpression": "SET #s = :next, decidedAt = :at",
        "ConditionExpression": "#s = :placed",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":next": {"S": "CONFIRMED"}, ":placed": {"S": "PLACED"}, ":at": {"S": "2026-12-05T10:00:05.000Z"}},
    }


def test_rejects_a_placed_order_when_stock_is_unavailable_and_ignores_an_outcome_for_an_unknown_order() -> None:
    table = OrdersTable("PLACED")
    assert create_record_stock_outcome(table.update, "Orders")(outcome_event("UNAVAILABLE")) == "applied"
    assert table.status == "REJECTED"
    assert create_record_stock_outcome(OrdersTable(None).update, "Orders")(outcome_event("RESERVED")) == "ignored"


def test_raises_on_any_other_dynamodb_failure_so_lambda_retries_and_then_dead_letters_the_event() -> None:
    def failing(**_kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("ThrottlingException")

    with pytest.raises(RuntimeError, match="Throttling"):
        create_record_stock_outcome(failing, "Orders")(outcome_event("RESERVED"))
