"""A stand-in for a card processor: declines one test token, records every approved charge once.

The same function runs in both stacks; only who calls it, and how, changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

# The test token the stand-in processor always declines.
DECLINED_TOKEN = "tok_declined"

RecordCharge = Callable[[dict[str, Any]], None]


def dynamo_record_charge(client: Any, table_name: str) -> RecordCharge:
    def record(charge: dict[str, Any]) -> None:
        try:
            # One charge per order: a retried request finds the first one and charges nothing more.
            client.put_item(
                TableName=table_name,
                Item={
                    "orderId": {"S": charge["orderId"]},
                    "amountCents": {"N": str(charge["amountCents"])},
                    "chargedAt": {"S": charge["chargedAt"]},
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except Exception as error:  # noqa: BLE001 - only a repeat is expected; anything else is re-raised
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code != "ConditionalCheckFailedException":
                raise

    return record


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def create_handler(record: RecordCharge, now: Callable[[], datetime] = _now) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(request: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        amount = request.get("amountCents") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not isinstance(request.get("orderId"), str) or not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            # A malformed request is a bug in the caller: fail loudly rather than charge a wrong amount.
            raise ValueError("ChargePayment needs an orderId and a positive whole amountCents")
        if request.get("cardToken") == DECLINED_TOKEN:
            return {"status": "declined", "orderId": request["orderId"], "reason": "card_declined"}
        record({"orderId": request["orderId"], "amountCents": amount, "chargedAt": _iso(now())})
        return {"status": "approved", "paymentId": request["orderId"]}

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_record_charge(boto3.client("dynamodb"), os.environ["PAYMENTS_TABLE_NAME"]))
    return _handler(event, context)
