"""The events the real handlers publish, held against the real rule patterns of the template."""

import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from place_order import OrdersPorts, create_place_order
from reserve_stock import InventoryPorts, create_reserve_stock
from serverless_microservices.serverless_microservices_stack import ServerlessMicroservicesStack
from tests.cdk_app import app_from_cdk_json
from tests.event_pattern import as_delivered, matches
from tests.fakes import InventoryTable


@pytest.fixture(scope="module")
def rules() -> dict[str, dict[str, Any]]:
    found = Template.from_stack(ServerlessMicroservicesStack(app_from_cdk_json(), "Contracts")).find_resources("AWS::Events::Rule")

    def pattern(prefix: str) -> dict[str, Any]:
        return next(r["Properties"]["EventPattern"] for i, r in found.items() if i.startswith(prefix))

    return {"reserve_stock": pattern("InventoryServiceReserveStockRule"), "stock_outcome": pattern("OrdersServiceStockOutcomeRule")}


def published_by_place_order() -> dict[str, Any]:
    published: list[dict[str, Any]] = []
    create_place_order(OrdersPorts(lambda _o: None, lambda _i: None, published.append), "CommerceBus")({"body": json.dumps({"lines": [{"sku": "TENT", "quantity": 1}]})})
    return published[0]


def published_by_reserve_stock(available: int) -> dict[str, Any]:
    table = InventoryTable({"TENT": available})
    create_reserve_stock(InventoryPorts(table.transact, table.get, table.publish), "Inventory", "CommerceBus")(
        {"detail": {"orderId": "o-1", "lines": [{"sku": "TENT", "quantity": 1}], "placedAt": "now"}}
    )
    return table.published[0]


def test_place_orders_order_placed_reaches_inventorys_rule_and_not_orders_own(rules: dict[str, dict[str, Any]]) -> None:
    event = as_delivered(published_by_place_order())
    assert matches(rules["reserve_stock"], event)
    assert not matches(rules["stock_outcome"], event)
    assert sorted(event["detail"]) == ["lines", "orderId", "placedAt"]


def test_reserve_stocks_outcomes_reach_orders_rule_both_kinds_and_never_inventorys_own(rules: dict[str, dict[str, Any]]) -> None:
    for available, detail_type in ((1, "StockReserved"), (0, "StockUnavailable")):
        entry = published_by_reserve_stock(available)
        event = as_delivered(entry)
        assert entry["DetailType"] == detail_type
        assert matches(rules["stock_outcome"], event)
        assert not matches(rules["reserve_stock"], event)
        assert sorted(event["detail"]) == ["decidedAt", "orderId", "outcome"]


def test_the_matcher_follows_eventbridge_semantics_for_the_forms_it_supports() -> None:
    event = {"source": "shop.orders", "detail": {"tags": ["a", "b"], "n": 5}}
    assert matches({"source": ["shop.orders", "shop.x"]}, event)
    assert matches({"detail": {"tags": ["b"]}}, event), "a list value matches if any element does"
    assert matches({"detail": {"missing": [{"exists": False}]}}, event)
    assert not matches({"detail": {"missing": ["x"]}}, event)
    assert matches({"source": [{"prefix": "shop."}]}, event)
    assert not matches({"source": [{"anything-but": "shop.orders"}]}, event)
    assert matches({"detail": {"n": [5]}}, event)
    assert not matches({"detail": {"n": ["5"]}}, event), "types must match"
