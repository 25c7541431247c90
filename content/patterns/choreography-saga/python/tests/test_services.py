import json
from datetime import datetime, timezone
from typing import Any

import pytest

from contract import EVENT_TYPES, ORDER_STATES, PAYMENT_LIMIT_CENTS, PAYMENT_STATES, SOURCES, STOCK_STATES, InvalidEvent, UnknownOrder
from inventory import create_inventory_handler
from orders import create_orders_handler
from payments import create_payments_handler, payment_id_for
from publisher import event_bridge_publisher
from saga_table import SagaTable
from tests.fakes import FakeDynamo, FakeEventBridge

NOW = datetime(2026, 12, 5, 9, 0, 0, tzinfo=timezone.utc)
NOW_ISO = "2026-12-05T09:00:00.000Z"
ORDER = {"orderId": "ord-7", "amountCents": 12_500, "sku": "MUG-BLUE", "quantity": 3}


def event(detail_type: str, detail: Any, source: str | None = None) -> dict[str, Any]:
    return {"source": source or EVENT_TYPES[detail_type], "detail-type": detail_type, "detail": detail}


def service(factory: Any, machine: dict[str, tuple[str, ...]], source: str) -> tuple[FakeDynamo, FakeEventBridge, Any]:
    table, bus = FakeDynamo(), FakeEventBridge()
    handler = factory(SagaTable(table, "Table", machine), event_bridge_publisher(bus, "ShopEvents", source), lambda: NOW)
    return table, bus, handler


def orders() -> tuple[FakeDynamo, FakeEventBridge, Any]:
    return service(create_orders_handler, ORDER_STATES, SOURCES["orders"])


def payments() -> tuple[FakeDynamo, FakeEventBridge, Any]:
    return service(create_payments_handler, PAYMENT_STATES, SOURCES["payments"])


def inventory() -> tuple[FakeDynamo, FakeEventBridge, Any]:
    return service(create_inventory_handler, STOCK_STATES, SOURCES["inventory"])


# orders service


def test_creates_a_pending_order_and_announces_order_placed_with_its_details() -> None:
    table, bus, handler = orders()
    outcome = handler(event("OrderSubmitted", ORDER))
    assert outcome == {"service": "orders", "orderId": "ord-7", "event": "OrderSubmitted", "action": "advanced", "status": "PENDING", "published": "OrderPlaced"}
    assert table.get("ord-7") == {**ORDER, "status": "PENDING", "createdAt": NOW_ISO, "updatedAt": NOW_ISO}
    assert [{**e, "Detail": json.loads(e["Detail"])} for e in bus.entries] == [
        {"EventBusName": "ShopEvents", "Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": ORDER}
    ]


@pytest.mark.parametrize(
    ("trigger", "status", "reason", "published", "detail"),
    [
        ("StockReserved", "CONFIRMED", None, "OrderConfirmed", {"orderId": "ord-7"}),
        ("PaymentFailed", "CANCELLED", "PAYMENT_DECLINED", "OrderCancelled", {"orderId": "ord-7", "reason": "PAYMENT_DECLINED"}),
        ("PaymentRefunded", "CANCELLED", "OUT_OF_STOCK", "OrderCancelled", {"orderId": "ord-7", "reason": "OUT_OF_STOCK"}),
    ],
)
def test_moves_a_pending_order_to_confirmed_on_stock_reserved_and_to_cancelled_on_payment_failed_or_refunded_with_the_reason(
    trigger: str, status: str, reason: str | None, published: str, detail: dict[str, Any]
) -> None:
    table, bus, handler = orders()
    handler(event("OrderSubmitted", ORDER))
    outcome = handler(event(trigger, {"orderId": "ord-7"}))
    assert outcome["action"] == "advanced"
    assert table.get("ord-7")["status"] == status
    assert table.get("ord-7").get("cancelReason") == reason
    assert bus.events()[-1] == {"source": "shop.orders", "detail-type": published, "detail": detail}


def test_republishes_order_placed_from_the_stored_order_when_a_submission_is_delivered_again_keeping_the_first_details() -> None:
    table, bus, handler = orders()
    handler(event("OrderSubmitted", ORDER))
    again = handler(event("OrderSubmitted", {**ORDER, "amountCents": 1}))
    assert again["action"] == "republished"
    assert table.get("ord-7")["amountCents"] == ORDER["amountCents"]
    assert [e["detail"] for e in bus.events()] == [ORDER, ORDER]


def test_republishes_the_outcome_of_a_repeated_event_and_ignores_one_that_arrives_after_the_order_settled_the_other_way() -> None:
    table, bus, handler = orders()
    handler(event("OrderSubmitted", ORDER))
    handler(event("PaymentFailed", {"orderId": "ord-7"}))
    repeated = handler(event("PaymentFailed", {"orderId": "ord-7"}))
    assert (repeated["action"], repeated["published"]) == ("republished", "OrderCancelled")
    late = handler(event("StockReserved", {"orderId": "ord-7"}))
    late_submission = handler(event("OrderSubmitted", ORDER))
    assert (late["action"], late_submission["action"]) == ("ignored", "ignored")
    assert table.get("ord-7")["status"] == "CANCELLED"
    assert [e["detail-type"] for e in bus.events()] == ["OrderPlaced", "OrderCancelled", "OrderCancelled"]


def test_throws_on_an_event_for_an_order_it_has_no_record_of_so_lambda_retries_it_and_then_parks_it_in_the_dlq() -> None:
    _, bus, handler = orders()
    with pytest.raises(UnknownOrder):
        handler(event("StockReserved", {"orderId": "ord-404"}))
    assert bus.entries == []


# payments service


def test_charges_an_order_up_to_the_card_limit_and_declines_one_a_cent_over_it() -> None:
    table, bus, handler = payments()
    handler(event("OrderPlaced", {**ORDER, "orderId": "at-limit", "amountCents": PAYMENT_LIMIT_CENTS}))
    handler(event("OrderPlaced", {**ORDER, "orderId": "over-limit", "amountCents": PAYMENT_LIMIT_CENTS + 1}))
    assert table.get("at-limit")["status"] == "CHARGED"
    assert table.get("over-limit")["status"] == "DECLINED"
    assert bus.events() == [
        {
            "source": "shop.payments",
            "detail-type": "PaymentCompleted",
            "detail": {"orderId": "at-limit", "paymentId": payment_id_for("at-limit"), "amountCents": PAYMENT_LIMIT_CENTS, "sku": "MUG-BLUE", "quantity": 3},
        },
        {"source": "shop.payments", "detail-type": "PaymentFailed", "detail": {"orderId": "over-limit", "reason": "CARD_LIMIT_EXCEEDED"}},
    ]


def test_refunds_a_charge_once_when_stock_fails_republishing_payment_refunded_on_a_redelivery() -> None:
    table, bus, handler = payments()
    handler(event("OrderPlaced", ORDER))
    failed = {"orderId": "ord-7", "sku": "MUG-BLUE", "quantity": 3, "reason": "OUT_OF_STOCK"}
    first = handler(event("StockFailed", failed))
    second = handler(event("StockFailed", failed))
    assert (first["action"], second["action"]) == ("advanced", "republished")
    assert table.get("ord-7")["status"] == "REFUNDED"
    refund = {"orderId": "ord-7", "paymentId": payment_id_for("ord-7"), "amountCents": 12_500}
    assert [e["detail"] for e in bus.events()[1:]] == [refund, refund]


def test_never_charges_a_refunded_order_again_when_its_order_placed_arrives_late() -> None:
    table, bus, handler = payments()
    handler(event("OrderPlaced", ORDER))
    handler(event("StockFailed", {"orderId": "ord-7"}))
    late = handler(event("OrderPlaced", ORDER))
    assert late["action"] == "ignored"
    assert table.get("ord-7")["status"] == "REFUNDED"
    assert [e["detail-type"] for e in bus.events()] == ["PaymentCompleted", "PaymentRefunded"]


def test_derives_the_payment_id_from_the_order_id_so_a_retried_charge_names_the_same_payment() -> None:
    assert payment_id_for("ord-7") == payment_id_for("ord-7")
    assert payment_id_for("ord-7") != payment_id_for("ord-8")
    assert payment_id_for("ord-7").startswith("pay-") and len(payment_id_for("ord-7")) == 20


# inventory service


def test_reserves_stock_or_records_a_failure_for_a_sold_out_sku_and_writes_each_reservation_once() -> None:
    table, bus, handler = inventory()
    paid = {**ORDER, "paymentId": "pay-1"}
    handler(event("PaymentCompleted", paid))
    handler(event("PaymentCompleted", {**paid, "orderId": "ord-8", "sku": "SOLDOUT-LAMP"}))
    again = handler(event("PaymentCompleted", {**paid, "orderId": "ord-8", "sku": "SOLDOUT-LAMP"}))
    assert again["action"] == "republished"
    assert table.get("ord-7")["status"] == "RESERVED"
    assert table.get("ord-8")["status"] == "FAILED"
    assert table.calls == ["PutItem", "PutItem", "PutItem"]
    failed = {"orderId": "ord-8", "sku": "SOLDOUT-LAMP", "quantity": 3, "reason": "OUT_OF_STOCK"}
    assert [(e["detail-type"], e["detail"]) for e in bus.events()] == [
        ("StockReserved", {"orderId": "ord-7", "sku": "MUG-BLUE", "quantity": 3}),
        ("StockFailed", failed),
        ("StockFailed", failed),
    ]


# every service


@pytest.mark.parametrize(
    ("make", "input_event"),
    [
        (orders, event("StockReserved", {"orderId": "ord-7"}, SOURCES["payments"])),
        (orders, event("OrderPlaced", ORDER)),
        (orders, event("OrderSubmitted", {**ORDER, "amountCents": 12.5})),
        (orders, event("OrderSubmitted", {**ORDER, "sku": "lower-case"})),
        (orders, event("OrderSubmitted", {**ORDER, "quantity": 0})),
        (orders, event("OrderSubmitted", {**ORDER, "quantity": True})),
        (orders, event("OrderSubmitted", {**ORDER, "orderId": "has spaces"})),
        (orders, event("OrderSubmitted", "not an object")),
        (payments, event("OrderPlaced", {**ORDER, "amountCents": -1})),
        (payments, event("PaymentCompleted", ORDER)),
        (inventory, event("PaymentCompleted", {**ORDER, "quantity": 101})),
        (inventory, event("StockFailed", ORDER)),
    ],
)
def test_refuses_an_event_from_the_wrong_source_of_a_type_it_does_not_handle_or_with_a_broken_detail_without_writing(make: Any, input_event: dict[str, Any]) -> None:
    table, bus, handler = make()
    with pytest.raises(InvalidEvent):
        handler(input_event)
    assert (table.calls, bus.entries) == ([], [])


def test_throws_when_put_events_refuses_the_event_and_the_retry_publishes_it_from_the_state_already_written() -> None:
    table, bus, handler = payments()
    bus.refuse_next = 1
    with pytest.raises(RuntimeError, match="PutEvents refused PaymentCompleted: InternalFailure"):
        handler(event("OrderPlaced", ORDER))
    assert table.get("ord-7")["status"] == "CHARGED"
    assert bus.entries == []
    retry = handler(event("OrderPlaced", ORDER))
    assert retry["action"] == "republished"
    assert [e["detail-type"] for e in bus.events()] == ["PaymentCompleted"]


def test_refuses_a_transition_its_state_machine_does_not_list_before_calling_dynamodb() -> None:
    fake = FakeDynamo()
    table = SagaTable(fake, "Table", PAYMENT_STATES)
    with pytest.raises(ValueError, match="REFUNDED -> CHARGED is not a transition"):
        table.move("ord-7", "REFUNDED", "CHARGED", {})
    with pytest.raises(ValueError, match="SHIPPED is not a state"):
        table.create({"orderId": "ord-7", "status": "SHIPPED"})
    assert fake.calls == []


def test_declares_each_state_machine_with_terminal_states_that_lead_nowhere() -> None:
    assert ORDER_STATES == {"PENDING": ("CONFIRMED", "CANCELLED"), "CONFIRMED": (), "CANCELLED": ()}
    assert PAYMENT_STATES == {"CHARGED": ("REFUNDED",), "DECLINED": (), "REFUNDED": ()}
    assert STOCK_STATES == {"RESERVED": (), "FAILED": ()}
