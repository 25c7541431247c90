"""One Region's items service: /health for Route 53, and GET/PUT of items in this Region's replica."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Optional, Protocol

from botocore.config import Config

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# A key no client can write (ids match ID_PATTERN), read by every health probe.
HEALTH_KEY = "#health"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_VALUE_LENGTH = 1000
# Items expire this long after their last write; DynamoDB's TTL deletes them in both Regions.
RETENTION_SECONDS = 7 * 24 * 60 * 60

# Route 53 counts a probe as failed unless the answer arrives within two seconds of connecting, and
# a replica that slow is unhealthy anyway: one second per attempt, two attempts, then a 503 or 500
# instead of a function hanging until its timeout.
CLIENT_CONFIG = Config(connect_timeout=1, read_timeout=1, retries={"total_max_attempts": 2, "mode": "standard"})


class Store(Protocol):
    """The three calls the handler makes on this Region's replica, so tests can stand in for DynamoDB."""

    def probe(self) -> None: ...

    def get(self, item_id: str) -> Optional[dict[str, Any]]: ...

    def put(self, item: dict[str, str], expires_at: int) -> None: ...


class DynamoStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def probe(self) -> None:
        # Data plane, not DescribeTable: the question is whether reads work here, now.
        self._client.get_item(TableName=self._table, Key={"pk": {"S": HEALTH_KEY}}, ProjectionExpression="pk")

    def get(self, item_id: str) -> Optional[dict[str, Any]]:
        item = self._client.get_item(TableName=self._table, Key={"pk": {"S": item_id}}).get("Item")
        if not item:
            return None
        return {
            "id": item_id,
            "value": item.get("value", {}).get("S", ""),
            "updatedAt": item.get("updatedAt", {}).get("S", ""),
            "writtenIn": item.get("writtenIn", {}).get("S", ""),
            "expiresAt": int(item.get("expiresAt", {}).get("N", "0")),
        }

    def put(self, item: dict[str, str], expires_at: int) -> None:
        self._client.put_item(
            TableName=self._table,
            Item={
                "pk": {"S": item["id"]},
                "value": {"S": item["value"]},
                "updatedAt": {"S": item["updatedAt"]},
                "writtenIn": {"S": item["writtenIn"]},
                "expiresAt": {"N": str(expires_at)},
            },
        )


def _json(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", "cache-control": "no-store"}, "body": json.dumps(body)}


def parse_value(event: dict[str, Any]) -> tuple[Optional[str], Optional[str]]:
    """The request body's `value`, or the reason it is refused."""
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        body = json.loads(raw)
    except ValueError:
        return None, 'The body must be JSON like {"value": "..."}.'
    value = body.get("value") if isinstance(body, dict) else None
    if not isinstance(value, str) or not 0 < len(value) <= MAX_VALUE_LENGTH:
        return None, f'"value" must be a string of 1 to {MAX_VALUE_LENGTH} characters.'
    return value, None


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def create_handler(
    store: Store, region: str, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        route = event.get("routeKey")
        if route == "GET /health":
            try:
                store.probe()
            except Exception as error:  # noqa: BLE001 - any failure means unhealthy
                # Route 53 only reads the status code; the cause stays in the logs.
                logger.error(json.dumps({"message": "health probe failed", "region": region, "error": str(error)}))
                return _json(503, {"status": "unavailable", "region": region})
            return _json(200, {"status": "ok", "region": region})

        item_id = (event.get("pathParameters") or {}).get("id", "")
        if not ID_PATTERN.match(item_id):
            return _json(400, {"message": "An item id is 1 to 64 letters, digits, - or _."})
        try:
            if route == "PUT /items/{id}":
                value, error = parse_value(event)
                if error is not None or value is None:
                    return _json(400, {"message": error})
                at = now()
                item = {"id": item_id, "value": value, "updatedAt": _iso(at), "writtenIn": region}
                store.put(item, int(at.timestamp()) + RETENTION_SECONDS)
                return _json(200, {**item, "servedBy": region})
            if route == "GET /items/{id}":
                found = store.get(item_id)
                # TTL deletes lazily, sometimes days late: an expired item is already gone to callers.
                if found is None or found["expiresAt"] <= now().timestamp():
                    return _json(404, {"message": f"No item {item_id}.", "servedBy": region})
                item = {k: v for k, v in found.items() if k != "expiresAt"}
                return _json(200, {**item, "servedBy": region})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            logger.error(json.dumps({"message": "request failed", "region": region, "route": route, "id": item_id, "error": str(error)}))
            return _json(500, {"message": "The service is unavailable right now."})
        return _json(404, {"message": "Not found."})

    return handle


_handler: Optional[Callable[[dict[str, Any], Any], dict[str, Any]]] = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection. boto3
    # picks the Region Lambda runs in, so each function reaches only the replica next to it.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(DynamoStore(boto3.client("dynamodb", config=CLIENT_CONFIG), os.environ["TABLE_NAME"]), os.environ["AWS_REGION"])
    return _handler(event, context)
