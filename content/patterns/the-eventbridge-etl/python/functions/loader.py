"""Writes one transformed order into the Orders table."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Any

from pipeline_events import RowTransformedDetail

AttributeMap = dict[str, dict[str, str]]
# The one DynamoDB call the handler makes, so tests can stand in for the client.
PutOrder = Callable[[AttributeMap], None]


def order_item(detail: RowTransformedDetail, loaded_at: str) -> AttributeMap:
    """Keyed by order id, so loading the same row twice (EventBridge and Lambda both deliver at
    least once) overwrites one item instead of creating a duplicate."""
    order = detail["order"]
    return {
        "orderId": {"S": order["orderId"]},
        "customer": {"S": order["customer"]},
        "amountCents": {"N": str(order["amountCents"])},
        "currency": {"S": order["currency"]},
        "orderDate": {"S": order["orderDate"]},
        "sourceFile": {"S": f"s3://{detail['bucket']}/{detail['key']}"},
        "sourceRow": {"N": str(detail["row"])},
        "loadedAt": {"S": loaded_at},
    }


def iso_timestamp(moment: datetime.datetime) -> str:
    """The same shape as JavaScript's toISOString: UTC, milliseconds, a trailing Z."""
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def dynamo_put(client: Any, table_name: str) -> PutOrder:
    def put(item: AttributeMap) -> None:
        client.put_item(TableName=table_name, Item=item)

    return put


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def create_handler(put: PutOrder, now: Callable[[], datetime.datetime] = _utc_now) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        put(order_item(event["detail"], iso_timestamp(now())))

    return handle


_handler: Callable[[dict[str, Any], Any], None] | None = None


def handler(event: dict[str, Any], context: Any) -> None:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_put(boto3.client("dynamodb"), os.environ.get("ORDERS_TABLE_NAME", "")))
    _handler(event, context)
