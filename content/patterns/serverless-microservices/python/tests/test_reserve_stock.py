import json
from datetime import datetime, timezone
from typing import Any

import pytest

from reserve_stock import InventoryPorts, create_reserve_stock
from tests.fakes import InventoryTable

NOW = lambda: datetime(2026, 12, 5, 10, 0, 5, tzinfo=timezone.utc)  # noqa: E731


def order_placed(lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "evt-1", "source": "shop.orders", "detail-type": "OrderPlaced", "detail": {"orderId": "o-1", "lines": lines, "placedAt": "2026-12-05T10:00:00.000Z"}}


def ports(table: InventoryTable) -> InventoryPorts:
    return InventoryPorts(table.transact, table.get, table.publish)


def test_reserves_every_line_in_one_transaction_and_publishes_stock_reserved() -> None:
    table = InventoryTable({"TENT": 5, "STOVE": 3})
    outcome = create_reserve_stock(ports(table), "Inventory", "CommerceBus", NOW)(order_placed([{"sku": "TENT", "quantity": 2}, {"sku": "STOVE", "quantity": 3}]))
    assert outcome == {"orderId": "o-1", "outcome": "RESERVED", "decidedAt": "2026-12-05T10:00:05.000Z"}
    assert (table.level("TENT"), table.level("STOVE")) == (3, 0)
    assert len(table.transactions) == 1
    assert table.published == [
        {"EventBusName": "CommerceBus", "Source": "shop.inventory", "DetailType": "StockReserved", "Detail": json.dumps(outcome, separators=(",", ":"))}
    ]


def test_reserves_nothing_and_publishes_stock_unavailable_when_any_line_is_short() -> None:
    table = InventoryTable({"TENT": 5, "STOVE": 1})
    outcome = create_reserve_stock(ports(table), "Inventory", "CommerceBus", NOW)(order_placed([{"sku": "TENT", "quantity": 2}, {"sku": "STOVE", "quantity": 3}]))
    assert outcome["outcome"] == "UNAVAILABLE"
    assert (table.level("TENT"), table.level("STOVE")) == (5, 1)
    assert table.items["ORDER#o-1"]["outcome"]["S"] == "UNAVAILABLE"
    assert table.published[0]["DetailType"] == "StockUnavailable"


def test_treats_a_redelivered_order_placed_as_a_duplicate_stock_moves_once_and_the_first_outcome_is_republished() -> None:
    table = InventoryTable({"TENT": 5})
    first = create_reserve_stock(ports(table), "Inventory", "CommerceBus", NOW)(order_placed([{"sku": "TENT", "quantity": 2}]))
    later = create_reserve_stock(ports(table), "Inventory", "CommerceBus", lambda: datetime(2026, 12, 5, 11, 0, tzinfo=timezone.utc))
    again = later(order_placed([{"sku": "TENT", "quantity": 2}]))
    assert table.level("TENT") == 3, "the second delivery must not decrement again"
    assert again == first
    assert [(e["DetailType"], e["Detail"]) for e in table.published] == [("StockReserved", json.dumps(first, separators=(",", ":")))] * 2


def test_keeps_a_refusal_a_refusal_when_the_same_order_is_redelivered_after_a_restock() -> None:
    table = InventoryTable({"TENT": 1})
    reserve = create_reserve_stock(ports(table), "Inventory", "CommerceBus", NOW)
    reserve(order_placed([{"sku": "TENT", "quantity": 2}]))
    table.items["TENT"] = {"sku": {"S": "TENT"}, "available": {"N": "10"}}
    assert reserve(order_placed([{"sku": "TENT", "quantity": 2}]))["outcome"] == "UNAVAILABLE"
    assert table.level("TENT") == 10


def test_raises_on_any_other_dynamodb_failure_so_lambda_retries_and_then_dead_letters_the_event() -> None:
    table = InventoryTable({"TENT": 5})

    def failing(**_kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("ProvisionedThroughputExceededException")

    with pytest.raises(RuntimeError, match="Throughput"):
        create_reserve_stock(InventoryPorts(failing, table.get, table.publish), "Inventory", "CommerceBus", NOW)(order_placed([{"sku": "TENT", "quantity": 1}]))
    assert table.published == []
