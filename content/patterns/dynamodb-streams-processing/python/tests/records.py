"""Stream records shaped as Lambda delivers them from a NEW_AND_OLD_IMAGES stream."""

from __future__ import annotations

from typing import Any, Optional

from boto3.dynamodb.types import TypeSerializer

Item = dict[str, Any]

STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-12-05T00:00:00.000"
_serializer = TypeSerializer()


def _marshall(item: Item) -> dict[str, Any]:
    return {k: _serializer.serialize(v) for k, v in item.items() if v is not None}


def stream_record(seq: str, before: Optional[Item] = None, after: Optional[Item] = None, ttl: bool = False) -> dict[str, Any]:
    """The event name follows from which images exist, keys come from the item, and TTL deletions
    carry the DynamoDB service as their user identity."""
    item = after or before
    if not item:
        raise ValueError("a record needs at least one image")
    event_name = "INSERT" if not before else "REMOVE" if not after else "MODIFY"
    stream: dict[str, Any] = {
        "ApproximateCreationDateTime": 1796428800,
        "Keys": _marshall({"pk": item["pk"], "sk": item["sk"]}),
        "SequenceNumber": seq,
        "SizeBytes": 120,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    if after:
        stream["NewImage"] = _marshall(after)
    if before:
        stream["OldImage"] = _marshall(before)
    record: dict[str, Any] = {
        "eventID": f"evt-{seq}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": stream,
        "eventSourceARN": STREAM_ARN,
    }
    if ttl:
        record["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    return record


def order(customer: str, order_id: str, *, status: str, total_cents: Any, version: Any) -> Item:
    return {
        "pk": f"CUSTOMER#{customer}",
        "sk": f"ORDER#{order_id}",
        "entityType": "ORDER",
        "status": status,
        "totalCents": total_cents,
        "version": version,
    }


def profile(customer: str, name: str) -> Item:
    return {"pk": f"CUSTOMER#{customer}", "sk": "PROFILE", "entityType": "CUSTOMER", "name": name}


def cart(customer: str, items: int) -> Item:
    return {"pk": f"CUSTOMER#{customer}", "sk": "CART", "entityType": "CART", "items": items, "expiresAt": 1796432400}
