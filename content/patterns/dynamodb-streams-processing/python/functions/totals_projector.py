"""Folds order changes from the orders table's stream into per-customer totals in the view table."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal, Optional

from boto3.dynamodb.types import TypeDeserializer

# The entity type the view is built from; the event source mapping lets nothing else through.
ORDER_ENTITY = "ORDER"
# A cancelled order stays in the table but no longer counts towards its customer's totals.
UNCOUNTED_STATUSES = ("CANCELLED",)
# Sort key of the one item per customer that holds the running totals.
TOTALS_SK = "TOTALS"

Outcome = Literal["applied", "duplicate"]
# The one DynamoDB call the projector makes, so tests can stand in for the client.
WriteTransaction = Callable[[dict[str, Any]], Any]
# Where the projector sends its output: one JSON object per call, as a log line.
Emit = Callable[[dict[str, Any]], None]

_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class Contribution:
    """What one order adds to its customer's totals."""

    orders: int
    cents: int


@dataclass(frozen=True)
class OrderChange:
    """One stream record of an order, reduced to what the view needs."""

    customer_id: str
    order_id: str
    from_version: Optional[int]  # version before the write; None when the order was created
    to_version: Optional[int]  # version after the write; None when the order was deleted
    delta: Contribution
    sequence_number: str

    def fields(self) -> dict[str, Any]:
        """The change as log fields, in the names the TypeScript projector uses."""
        return {
            "customerId": self.customer_id,
            "orderId": self.order_id,
            "fromVersion": self.from_version,
            "toVersion": self.to_version,
            "delta": asdict(self.delta),
            "sequenceNumber": self.sequence_number,
        }


@dataclass(frozen=True)
class _OrderState:
    version: int
    counted: bool
    cents: int


def _image(raw: Optional[Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()} if raw else None


def _key_part(value: Any, prefix: str, seq: str) -> str:
    if not isinstance(value, str) or not value.startswith(prefix) or len(value) == len(prefix):
        raise ValueError(f"record {seq} has a key {value} without the {prefix} prefix")
    return value[len(prefix) :]


def _whole_number(value: Any, name: str, seq: str, minimum: int) -> int:
    # The deserializer turns every number into a Decimal; only whole numbers are accepted.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value) or value < minimum:
        raise ValueError(f"record {seq} has an order with {name} {value}")
    return int(value)


def _order_state(image: Optional[Mapping[str, Any]], seq: str) -> Optional[_OrderState]:
    """The part of an image the view depends on; None when the image is not an order."""
    if not image or image.get("entityType") != ORDER_ENTITY:
        return None
    status = image.get("status")
    if not isinstance(status, str):
        raise ValueError(f"record {seq} has an order without a status")
    return _OrderState(
        version=_whole_number(image.get("version"), "version", seq, 1),
        counted=status not in UNCOUNTED_STATUSES,
        # Integer cents: ADD on floating-point amounts would drift.
        cents=_whole_number(image.get("totalCents"), "totalCents", seq, 0),
    )


def _contribution(state: Optional[_OrderState]) -> Contribution:
    return Contribution(1, state.cents) if state and state.counted else Contribution(0, 0)


def to_order_change(record: Mapping[str, Any]) -> Optional[OrderChange]:
    """Turns a raw stream record into the change it makes to the view, or None when neither image
    is an order. Raises on an order the view cannot account for."""
    stream = record.get("dynamodb") or {}
    seq = stream.get("SequenceNumber")
    if not seq:
        raise ValueError("stream record without a sequence number")
    before = _order_state(_image(stream.get("OldImage")), seq)
    after = _order_state(_image(stream.get("NewImage")), seq)
    if not before and not after:
        return None

    keys = _image(stream.get("Keys")) or {}
    customer_id = _key_part(keys.get("pk"), "CUSTOMER#", seq)
    order_id = _key_part(keys.get("sk"), "ORDER#", seq)
    # Idempotency rests on every write raising the version; a write that does not is refused
    # here, so it ends up in the failure queue instead of being counted twice on a retry.
    if before and after and after.version <= before.version:
        raise ValueError(
            f"record {seq} rewrote order {order_id} without raising its version ({before.version} to {after.version})"
        )
    was, now = _contribution(before), _contribution(after)
    return OrderChange(
        customer_id=customer_id,
        order_id=order_id,
        from_version=before.version if before else None,
        to_version=after.version if after else None,
        delta=Contribution(now.orders - was.orders, now.cents - was.cents),
        sequence_number=seq,
    )


def transaction_for(change: OrderChange, table_name: str, now: str) -> dict[str, Any]:
    """One transaction per change: move the order's marker from the version the record starts from
    to the version it ends at, and ADD the difference to the customer's totals. If the marker is not
    where the record starts, this record (or a later one) was already applied, and the whole
    transaction is refused, totals included."""
    customer = {"S": change.customer_id}
    marker_key = {"customerId": customer, "sk": {"S": f"ORDER#{change.order_id}"}}
    from_condition: dict[str, Any] = (
        {"ConditionExpression": "attribute_not_exists(sk)"}
        if change.from_version is None
        else {
            "ConditionExpression": "#version = :from",
            "ExpressionAttributeNames": {"#version": "version"},
            "ExpressionAttributeValues": {":from": {"N": str(change.from_version)}},
        }
    )
    marker: dict[str, Any] = (
        {"Delete": {"TableName": table_name, "Key": marker_key, **from_condition}}
        if change.to_version is None
        else {"Put": {"TableName": table_name, "Item": {**marker_key, "version": {"N": str(change.to_version)}}, **from_condition}}
    )
    items = [marker]
    if change.delta.orders != 0 or change.delta.cents != 0:
        items.append(
            {
                "Update": {
                    "TableName": table_name,
                    "Key": {"customerId": customer, "sk": {"S": TOTALS_SK}},
                    # ADD is atomic and creates the attributes at zero, so two orders of one customer never race.
                    "UpdateExpression": "ADD orderCount :orders, totalCents :cents SET updatedAt = :now",
                    "ExpressionAttributeValues": {
                        ":orders": {"N": str(change.delta.orders)},
                        ":cents": {"N": str(change.delta.cents)},
                        ":now": {"S": now},
                    },
                }
            }
        )
    return {"TransactItems": items}


def _is_condition_refusal(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = (response.get("Error") or {}).get("Code")
    reasons = response.get("CancellationReasons") or []
    return code == "TransactionCanceledException" and any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)


def apply_change(write: WriteTransaction, table_name: str, change: OrderChange, now: str) -> Outcome:
    try:
        write(transaction_for(change, table_name, now))
        return "applied"
    except Exception as error:
        # Throttling or a conflicting transaction is worth a retry; a failed condition is a redelivery.
        if _is_condition_refusal(error):
            return "duplicate"
        raise


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def create_handler(
    write: WriteTransaction, table_name: str, emit: Emit, now: Callable[[], str] = _now_iso
) -> Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, list[dict[str, str]]]:
        for record in event.get("Records", []):
            seq = (record.get("dynamodb") or {}).get("SequenceNumber")
            try:
                change = to_order_change(record)
                if change is None:
                    emit({"level": "WARN", "message": "not an order, ignored", "sequenceNumber": seq})
                    continue
                outcome = apply_change(write, table_name, change, now())
                emit({"level": "INFO", "message": "order change", "outcome": outcome, **change.fields()})
            except Exception as error:  # noqa: BLE001 - any failure stops the batch at this record
                emit({"level": "ERROR", "message": "order change not applied", "sequenceNumber": seq, "error": str(error)})
                # Changes of one order must be applied in order, so stop here: Lambda retries from this
                # record, and the records after it have not been touched yet.
                return {"batchItemFailures": [{"itemIdentifier": seq or ""}]}
        return {"batchItemFailures": []}

    return handle


def _write_line(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line, default=str) + "\n")
    sys.stdout.flush()


_client: Any = None


def _transact_write(request: dict[str, Any]) -> Any:
    # Created on first use and kept for the life of the execution environment.
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("dynamodb")
    return _client.transact_write_items(**request)


_handler: Optional[Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]] = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    global _handler
    if _handler is None:
        _handler = create_handler(_transact_write, os.environ.get("TOTALS_TABLE_NAME", ""), _write_line)
    return _handler(event, context)
