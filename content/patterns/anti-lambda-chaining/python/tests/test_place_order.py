import io
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from functions.place_order import create_handler, dynamo_save_order, lambda_invoke_charge

ORDER = {"orderId": "ord-1001", "cardToken": "tok_visa", "items": [{"sku": "BOOK-1", "quantity": 2}]}


def at() -> datetime:
    return datetime(2026, 12, 5, 10, 0, 0, tzinfo=timezone.utc)


class FakeLambda:
    """A Lambda client that answers the way the Invoke API does, payload as a stream."""

    def __init__(self, payload: Any, function_error: str | None = None) -> None:
        self.payload, self.function_error = payload, function_error
        self.sent: list[dict[str, Any]] = []

    def invoke(self, **request: Any) -> dict[str, Any]:
        self.sent.append(request)
        response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(self.payload).encode())}
        if self.function_error:
            response["FunctionError"] = self.function_error
        return response


class FakeOrders:
    def __init__(self) -> None:
        self.puts: list[dict[str, Any]] = []

    def put_item(self, **request: Any) -> None:
        self.puts.append(request)


def test_invokes_charge_payment_with_request_response_and_waits_before_saving_the_order() -> None:
    lambda_client = FakeLambda({"status": "approved", "paymentId": "ord-1001"})
    orders = FakeOrders()
    place_order = create_handler(lambda_invoke_charge(lambda_client, "ChargePayment"), dynamo_save_order(orders, "Orders"), at)

    assert place_order(ORDER) == {"status": "accepted", "orderId": "ord-1001", "totalCents": 2500, "paymentId": "ord-1001"}
    assert len(lambda_client.sent) == 1
    invoke = lambda_client.sent[0]
    assert invoke["FunctionName"] == "ChargePayment"
    assert invoke["InvocationType"] == "RequestResponse"
    assert json.loads(invoke["Payload"]) == {"orderId": "ord-1001", "amountCents": 2500, "cardToken": "tok_visa"}
    assert orders.puts[0]["Item"] == {
        "orderId": {"S": "ord-1001"},
        "status": {"S": "PAID"},
        "totalCents": {"N": "2500"},
        "items": {"S": json.dumps([{"sku": "BOOK-1", "quantity": 2, "unitPriceCents": 1250}], separators=(",", ":"))},
        "paymentId": {"S": "ord-1001"},
        "placedAt": {"S": "2026-12-05T10:00:00.000Z"},
    }


def test_leaves_the_card_charged_and_no_order_saved_when_the_order_write_fails_after_the_charge() -> None:
    lambda_client = FakeLambda({"status": "approved", "paymentId": "ord-1001"})

    def failing_save(_order: dict[str, Any]) -> None:
        raise RuntimeError("ThrottlingException")

    with pytest.raises(RuntimeError, match="ThrottlingException"):
        create_handler(lambda_invoke_charge(lambda_client, "ChargePayment"), failing_save, at)(ORDER)
    # The charge already happened: the chain has no step that could undo or resume it.
    assert len(lambda_client.sent) == 1


def test_turns_charge_payment_crash_into_its_own_failure_and_answers_declines_and_bad_orders_without_saving() -> None:
    saved: list[str] = []

    def save(order: dict[str, Any]) -> None:
        saved.append(order["orderId"])

    crashed = FakeLambda({"errorType": "Error", "errorMessage": "Task timed out after 10.00 seconds"}, "Unhandled")
    with pytest.raises(RuntimeError, match=r"ChargePayment failed \(Unhandled\).*timed out"):
        create_handler(lambda_invoke_charge(crashed, "ChargePayment"), save, at)(ORDER)
    declined = FakeLambda({"status": "declined", "orderId": "ord-1001", "reason": "card_declined"})
    assert create_handler(lambda_invoke_charge(declined, "ChargePayment"), save, at)(ORDER) == {
        "status": "declined",
        "orderId": "ord-1001",
        "reason": "card_declined",
    }
    unused = FakeLambda({})
    assert create_handler(lambda_invoke_charge(unused, "ChargePayment"), save, at)({**ORDER, "items": []})["status"] == "rejected"
    assert unused.sent == []
    assert saved == []
