from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from functions.charge_payment import DECLINED_TOKEN, create_handler, dynamo_record_charge


def at() -> datetime:
    return datetime(2026, 12, 5, 10, 0, 0, tzinfo=timezone.utc)


class FakePayments:
    """A Payments table in memory that enforces the handler's own condition expression."""

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}
        self.sent: list[dict[str, Any]] = []

    def put_item(self, **request: Any) -> dict[str, Any]:
        self.sent.append(request)
        key = request["Item"]["orderId"]["S"]
        if request.get("ConditionExpression") == "attribute_not_exists(orderId)" and key in self.items:
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "PutItem")
        self.items[key] = request["Item"]
        return {}


def test_records_one_charge_per_order_so_charging_twice_charges_once_and_approves_both_times() -> None:
    payments = FakePayments()
    charge = create_handler(dynamo_record_charge(payments, "Payments"), at)
    request = {"orderId": "ord-1001", "amountCents": 3400, "cardToken": "tok_visa"}
    assert charge(request) == {"status": "approved", "paymentId": "ord-1001"}
    assert charge(request) == {"status": "approved", "paymentId": "ord-1001"}
    assert len(payments.sent) == 2
    assert payments.items == {
        "ord-1001": {"orderId": {"S": "ord-1001"}, "amountCents": {"N": "3400"}, "chargedAt": {"S": "2026-12-05T10:00:00.000Z"}}
    }


def test_declines_the_test_token_without_recording_a_charge() -> None:
    payments = FakePayments()
    charge = create_handler(dynamo_record_charge(payments, "Payments"), at)
    assert charge({"orderId": "ord-2", "amountCents": 900, "cardToken": DECLINED_TOKEN}) == {
        "status": "declined",
        "orderId": "ord-2",
        "reason": "card_declined",
    }
    assert payments.sent == []


def test_fails_on_a_malformed_request_and_on_any_dynamodb_error_other_than_a_repeat() -> None:
    payments = FakePayments()
    with pytest.raises(ValueError, match="positive whole amountCents"):
        create_handler(dynamo_record_charge(payments, "Payments"), at)({"orderId": "ord-3", "amountCents": 0, "cardToken": "tok_visa"})

    class Broken:
        def put_item(self, **_request: Any) -> None:
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutItem")

    with pytest.raises(ClientError, match="Throughput"):
        create_handler(dynamo_record_charge(Broken(), "Payments"), at)({"orderId": "ord-4", "amountCents": 100, "cardToken": "tok_visa"})
    assert payments.sent == []
