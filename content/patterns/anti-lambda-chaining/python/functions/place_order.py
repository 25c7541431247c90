"""THE ANTI-PATTERN. PlaceOrder prices the order, then calls ChargePayment itself and waits for it
(InvocationType RequestResponse), then saves the order. It is billed while it waits, its timeout
must cover ChargePayment's, and a failure after the charge leaves a paid order nobody recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from charge_payment import _iso
from orders import price_order

InvokeCharge = Callable[[dict[str, Any]], dict[str, Any]]
SaveOrder = Callable[[dict[str, Any]], None]


def lambda_invoke_charge(client: Any, function_name: str) -> InvokeCharge:
    def invoke(request: dict[str, Any]) -> dict[str, Any]:
        response = client.invoke(FunctionName=function_name, InvocationType="RequestResponse", Payload=json.dumps(request).encode())
        payload = response.get("Payload")
        body = payload.read().decode() if hasattr(payload, "read") else (payload or b"").decode()
        # A callee's crash or timeout comes back as a 200 with FunctionError set: the SDK does not retry it.
        if response.get("FunctionError"):
            raise RuntimeError(f"ChargePayment failed ({response['FunctionError']}): {body}")
        return json.loads(body)

    return invoke


def dynamo_save_order(client: Any, table_name: str) -> SaveOrder:
    def save(order: dict[str, Any]) -> None:
        client.put_item(
            TableName=table_name,
            Item={
                "orderId": {"S": order["orderId"]},
                "status": {"S": "PAID"},
                "totalCents": {"N": str(order["totalCents"])},
                "items": {"S": json.dumps(order["items"], separators=(",", ":"))},
                "paymentId": {"S": order["paymentId"]},
                "placedAt": {"S": order["placedAt"]},
            },
        )

    return save


def _now() -> datetime:
    return datetime.now(timezone.utc)


def create_handler(
    invoke_charge: InvokeCharge, save_order: SaveOrder, now: Callable[[], datetime] = _now
) -> Callable[[Any, Any], dict[str, Any]]:
    def handle(event: Any, _context: Any = None) -> dict[str, Any]:
        pricing = price_order(event)
        if not pricing["valid"]:
            return {"status": "rejected", "reasons": pricing["reasons"]}
        order = pricing["order"]
        charge = invoke_charge({"orderId": order["orderId"], "amountCents": order["totalCents"], "cardToken": order["cardToken"]})
        if charge["status"] == "declined":
            return {"status": "declined", "orderId": order["orderId"], "reason": charge["reason"]}
        # If this write fails or PlaceOrder times out here, the card is charged and no order exists.
        save_order({**order, "paymentId": charge["paymentId"], "placedAt": _iso(now())})
        return {"status": "accepted", "orderId": order["orderId"], "totalCents": order["totalCents"], "paymentId": charge["paymentId"]}

    return handle


_handler: Callable[[Any, Any], dict[str, Any]] | None = None


def handler(event: Any, context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connections.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(
            lambda_invoke_charge(boto3.client("lambda"), os.environ["CHARGE_PAYMENT_FUNCTION_NAME"]),
            dynamo_save_order(boto3.client("dynamodb"), os.environ["ORDERS_TABLE_NAME"]),
        )
    return _handler(event, context)
