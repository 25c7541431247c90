import json
import logging
from datetime import datetime, timezone
from typing import Any

import pytest

from place_order import OrdersPorts, create_place_order

NOW = lambda: datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)  # noqa: E731
ORDER_ID = "0b9f3c8e-2d1a-4c5e-9f00-123456789abc"


def post(body: Any) -> dict[str, Any]:
    return {"body": body if isinstance(body, str) else json.dumps(body)}


def fake_ports(fail_publish: bool = False, fail_delete: bool = False) -> tuple[OrdersPorts, dict[str, list[Any]]]:
    calls: dict[str, list[Any]] = {"stored": [], "deleted": [], "published": []}

    def delete(order_id: str) -> None:
        if fail_delete:
            raise RuntimeError("delete failed")
        calls["deleted"].append(order_id)

    def publish(entry: dict[str, Any]) -> None:
        if fail_publish:
            raise RuntimeError("PutEvents rejected the entry: InternalFailure")
        calls["published"].append(entry)

    return OrdersPorts(calls["stored"].append, delete, publish), calls


def test_stores_the_order_then_publishes_one_order_placed_with_the_order_on_the_shared_bus() -> None:
    ports, calls = fake_ports()
    lines = [{"sku": "TENT-2P", "quantity": 1}, {"sku": "STOVE", "quantity": 2}]
    response = create_place_order(ports, "CommerceBus", NOW, lambda: ORDER_ID)(post({"lines": lines}))
    assert response["statusCode"] == 202
    order = {"orderId": ORDER_ID, "lines": lines, "placedAt": "2026-12-05T10:00:00.000Z"}
    assert calls["stored"] == [order]
    assert calls["published"] == [
        {"EventBusName": "CommerceBus", "Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(order, separators=(",", ":"))}
    ]
    assert json.loads(response["body"]) == {"orderId": ORDER_ID, "status": "PLACED", "lines": lines}


def test_refuses_empty_oversized_duplicated_or_malformed_lines_without_storing_or_publishing() -> None:
    ports, calls = fake_ports()
    place = create_place_order(ports, "CommerceBus", NOW, lambda: ORDER_ID)
    bad: list[Any] = [
        {"lines": []},
        {"lines": [{"sku": f"SKU-{i}", "quantity": 1} for i in range(11)]},
        {"lines": [{"sku": "TENT", "quantity": 1}, {"sku": "TENT", "quantity": 2}]},
        {"lines": [{"sku": "tent", "quantity": 1}]},
        {"lines": [{"sku": "TENT", "quantity": 0}]},
        {"lines": [{"sku": "TENT", "quantity": 1.5}]},
        {"lines": [{"sku": "TENT", "quantity": 101}]},
        {"lines": [{"sku": "TENT", "quantity": True}]},
        "{not json",
        None,
    ]
    for body in bad:
        assert place(post(body))["statusCode"] == 400, body
    assert calls == {"stored": [], "deleted": [], "published": []}


def test_undoes_the_stored_order_and_answers_503_when_order_placed_cannot_be_published() -> None:
    ports, calls = fake_ports(fail_publish=True)
    response = create_place_order(ports, "CommerceBus", NOW, lambda: ORDER_ID)(post({"lines": [{"sku": "TENT", "quantity": 1}]}))
    assert response["statusCode"] == 503
    assert calls["deleted"] == [ORDER_ID]


def test_logs_the_order_id_as_orphaned_when_even_the_undo_fails(caplog: pytest.LogCaptureFixture) -> None:
    ports, _ = fake_ports(fail_publish=True, fail_delete=True)
    with caplog.at_level(logging.ERROR):
        response = create_place_order(ports, "CommerceBus", NOW, lambda: ORDER_ID)(post({"lines": [{"sku": "TENT", "quantity": 1}]}))
    assert response["statusCode"] == 503
    assert any(json.loads(r.getMessage()).get("message") == "orphaned order" and ORDER_ID in r.getMessage() for r in caplog.records)
