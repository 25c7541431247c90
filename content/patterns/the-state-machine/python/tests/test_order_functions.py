import re
from datetime import datetime, timezone
from typing import Any

import pytest

from functions.orders.order import ValidOrder
from functions.orders.plan_delivery import DELIVERY_FEE_CENTS, RIDE_MINUTES, plan_delivery
from functions.orders.plan_pickup import pickup_code, plan_pickup
from functions.orders.validate_order import DELIVERY_MINIMUM_CENTS, handler as validate_handler, validate_order

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)


def reasons_of(order: Any) -> list[str]:
    result = validate_order(order)
    assert result["valid"] is False, "expected the order to be rejected"
    return result["reasons"]


def test_prices_a_pickup_order_from_the_menu_ignoring_any_price_the_caller_sends() -> None:
    result = validate_order(
        {
            "orderId": "A-1",
            "fulfilment": "pickup",
            "items": [{"sku": "margherita", "quantity": 2, "priceCents": 1}, {"sku": "lemonade", "quantity": 1}],
        }
    )
    assert result == {
        "valid": True,
        "order": {
            "orderId": "A-1",
            "fulfilment": "pickup",
            "lines": [
                {"sku": "margherita", "name": "Margherita", "quantity": 2, "lineTotalCents": 1800},
                {"sku": "lemonade", "name": "Lemonade", "quantity": 1, "lineTotalCents": 350},
            ],
            "bakedItems": 2,
            "subtotalCents": 2150,
        },
    }


def test_keeps_the_trimmed_address_on_a_delivery_order() -> None:
    result = validate_order(
        {"orderId": "D-7", "fulfilment": "delivery", "address": "  12 Harbour Road ", "items": [{"sku": "diavola", "quantity": 2}]}
    )
    assert result["valid"] is True
    assert result["order"]["address"] == "12 Harbour Road"


def test_lists_every_problem_at_once_instead_of_stopping_at_the_first() -> None:
    reasons = reasons_of({"fulfilment": "drone", "items": [{"sku": "hawaiian", "quantity": 1}, {"sku": "marinara", "quantity": 0}]})
    text = "\n".join(reasons)
    assert len(reasons) == 4
    assert "orderId" in text
    assert "fulfilment" in text
    assert '"hawaiian" is not on the menu' in text
    assert "items[1]: quantity" in text


@pytest.mark.parametrize("quantity", [1.5, 21, None, "2", True])
def test_refuses_fractional_huge_and_missing_quantities(quantity: Any) -> None:
    item = {"sku": "marinara"} if quantity is None else {"sku": "marinara", "quantity": quantity}
    assert "quantity" in reasons_of({"orderId": "Q", "fulfilment": "pickup", "items": [item]})[0]


def test_requires_an_address_and_a_minimum_subtotal_for_delivery() -> None:
    assert "address" in reasons_of({"orderId": "D", "fulfilment": "delivery", "items": [{"sku": "diavola", "quantity": 2}]})[0]
    small = reasons_of({"orderId": "D", "fulfilment": "delivery", "address": "x", "items": [{"sku": "lemonade", "quantity": 1}]})
    assert small == [f"delivery needs a subtotal of at least {DELIVERY_MINIMUM_CENTS} cents"]


@pytest.mark.parametrize("order", [None, "pizza", 42, []])
def test_treats_a_body_that_is_not_an_object_as_an_empty_order(order: Any) -> None:
    assert len(reasons_of(order)) == 3


def test_refuses_an_empty_basket_and_more_than_ten_lines() -> None:
    assert "items" in reasons_of({"orderId": "E", "fulfilment": "pickup", "items": []})[0]
    many = [{"sku": "marinara", "quantity": 1} for _ in range(11)]
    assert "items" in reasons_of({"orderId": "E", "fulfilment": "pickup", "items": many})[0]


def test_the_handler_returns_the_verdict_and_logs_the_reasons(caplog: pytest.LogCaptureFixture) -> None:
    result = validate_handler({"orderId": "Z", "fulfilment": "pickup", "items": []})
    assert result["valid"] is False
    record = next(r for r in caplog.records if r.getMessage() == "order checked")
    assert getattr(record, "reasons") == result["reasons"]


DELIVERY_ORDER: ValidOrder = {
    "orderId": "D-7",
    "fulfilment": "delivery",
    "address": "12 Harbour Road",
    "lines": [{"sku": "diavola", "name": "Diavola", "quantity": 2, "lineTotalCents": 2200}],
    "bakedItems": 2,
    "subtotalCents": 2200,
}


def minutes_after_now(timestamp: str) -> float:
    return (datetime.fromisoformat(timestamp.replace("Z", "+00:00")) - NOW).total_seconds() / 60


def test_charges_the_fee_below_the_free_delivery_threshold_and_promises_oven_time_plus_the_ride() -> None:
    plan = plan_delivery(DELIVERY_ORDER, NOW)
    assert plan["deliveryFeeCents"] == DELIVERY_FEE_CENTS
    assert plan["totalCents"] == 2200 + DELIVERY_FEE_CENTS
    assert minutes_after_now(plan["readyAt"]) == 10 + 2 * 2 + RIDE_MINUTES
    assert plan["status"] == "ACCEPTED"


def test_delivers_free_from_30_00() -> None:
    plan = plan_delivery({**DELIVERY_ORDER, "subtotalCents": 3000}, NOW)
    assert plan["deliveryFeeCents"] == 0
    assert plan["totalCents"] == 3000


def test_fails_loudly_when_handed_a_pickup_order_so_the_catch_sees_a_wiring_mistake() -> None:
    with pytest.raises(ValueError, match="not a delivery order"):
        plan_delivery({**DELIVERY_ORDER, "fulfilment": "pickup"}, NOW)


PICKUP_ORDER: ValidOrder = {k: v for k, v in DELIVERY_ORDER.items() if k != "address"}  # type: ignore[assignment]
PICKUP_ORDER["fulfilment"] = "pickup"


def test_is_ready_after_oven_time_only_and_charges_the_subtotal() -> None:
    plan = plan_pickup(PICKUP_ORDER, NOW)
    assert plan["totalCents"] == 2200
    assert plan["readyAt"] == "2026-11-22T18:14:00.000Z"


def test_hands_out_the_same_four_character_code_for_the_same_order_so_a_retry_changes_nothing() -> None:
    assert plan_pickup(PICKUP_ORDER, NOW)["pickupCode"] == pickup_code("D-7")
    assert plan_pickup(PICKUP_ORDER, NOW)["pickupCode"] == plan_pickup(PICKUP_ORDER, NOW)["pickupCode"]
    assert re.fullmatch(r"[0-9A-F]{4}", pickup_code("D-7"))
    assert pickup_code("D-7") != pickup_code("D-8")


def test_refuses_a_delivery_order() -> None:
    with pytest.raises(ValueError, match="not a pickup order"):
        plan_pickup(DELIVERY_ORDER, NOW)
