from typing import Any

import pytest

from shipment_handler import create_handler, receive_shipment
from shipped_order import InvalidShipment, parse_shipment
from tests.event_pattern import sample_event

PRODUCER = "111111111111"


def test_records_a_valid_shipment_with_the_producer_account_and_event_id() -> None:
    lines: list[dict[str, Any]] = []
    create_handler(PRODUCER, lines.append)(sample_event())
    assert lines == [
        {
            "message": "shipment received",
            "producerAccount": PRODUCER,
            "eventId": "6f1c2b9e-8d4a-4f0b-9a51-1d2e3f4a5b6c",
            "orderId": "ORD-1001",
            "carrier": "UPS",
            "trackingNumber": "1Z999AA10123456784",
            "shippedAt": "2026-12-05T10:14:58Z",
        }
    ]


def test_refuses_an_event_from_any_account_but_the_producer() -> None:
    with pytest.raises(InvalidShipment):
        receive_shipment(sample_event(account="222222222222"), PRODUCER)
    with pytest.raises(InvalidShipment, match="expected only 111111111111"):
        receive_shipment(sample_event(account="999999999999"), PRODUCER)


def test_refuses_an_event_that_is_not_an_order_shipped_from_com_example_orders() -> None:
    with pytest.raises(InvalidShipment):
        receive_shipment(sample_event(detail_type="OrderCreated"), PRODUCER)
    with pytest.raises(InvalidShipment):
        receive_shipment(sample_event(source="com.example.billing"), PRODUCER)


VALID = sample_event()["detail"]


@pytest.mark.parametrize(
    "detail",
    [
        {**VALID, "orderId": None},
        {**VALID, "orderId": "ORD 1001"},
        {**VALID, "carrier": "   "},
        {**VALID, "carrier": "C" * 41},
        {**VALID, "trackingNumber": "1Z-99"},
        {**VALID, "trackingNumber": 12345678},
        {**VALID, "shippedAt": "05/12/2026"},
        {**VALID, "shippedAt": "2026-13-45T99:00:00Z"},
        {**VALID, "shippedAt": "2026-02-30T10:00:00Z"},
        None,
        [VALID],
    ],
)
def test_refuses_a_shipment_with_a_missing_or_malformed_field(detail: Any) -> None:
    with pytest.raises(InvalidShipment):
        parse_shipment(detail)


def test_ignores_fields_it_does_not_know_so_the_producer_can_add_one_first() -> None:
    assert parse_shipment({**VALID, "giftWrapped": True})["orderId"] == "ORD-1001"


def test_raises_so_lambda_retries_when_a_shipment_is_invalid_or_the_producer_account_is_not_configured() -> None:
    lines: list[dict[str, Any]] = []
    with pytest.raises(InvalidShipment):
        create_handler(PRODUCER, lines.append)(sample_event(detail={}))
    with pytest.raises(RuntimeError, match="PRODUCER_ACCOUNT"):
        create_handler(None, lines.append)(sample_event())
    assert lines == []
