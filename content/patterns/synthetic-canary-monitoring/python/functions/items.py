"""The items API: POST /items, GET /items/{id} and DELETE /items/{id} on one DynamoDB table."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Protocol

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Longest item name accepted; longer names are refused before DynamoDB is called.
MAX_NAME_LENGTH = 200
# Requests carrying this header come from the canary: their items expire on their own.
SYNTHETIC_HEADER = "x-synthetic-run"
# How long a canary item may outlive a run that died before its DELETE step.
SYNTHETIC_ITEM_TTL_SECONDS = 3600

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

Item = dict[str, str]


class ItemStore(Protocol):
    """The three table calls the handler makes, so tests can stand in for DynamoDB."""

    def put(self, item: Item, expires_at: int | None = None) -> None: ...

    def get(self, item_id: str) -> Item | None: ...

    def delete(self, item_id: str) -> None: ...


class DynamoStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(self, item: Item, expires_at: int | None = None) -> None:
        attributes: dict[str, Any] = {"id": {"S": item["id"]}, "name": {"S": item["name"]}, "createdAt": {"S": item["createdAt"]}}
        if expires_at is not None:
            attributes["expiresAt"] = {"N": str(expires_at)}
        # A fresh UUID never collides; the condition makes sure a create can never overwrite.
        self._client.put_item(TableName=self._table, Item=attributes, ConditionExpression="attribute_not_exists(id)")

    def get(self, item_id: str) -> Item | None:
        found = self._client.get_item(TableName=self._table, Key={"id": {"S": item_id}}, ConsistentRead=True).get("Item")
        if not found:
            return None
        return {
            "id": found.get("id", {}).get("S", item_id),
            "name": found.get("name", {}).get("S", ""),
            "createdAt": found.get("createdAt", {}).get("S", ""),
        }

    def delete(self, item_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key={"id": {"S": item_id}})


def parse_name(body: str | None, is_base64_encoded: bool = False) -> tuple[str | None, str | None]:
    """Returns (name, None) for a usable create request, or (None, reason) when it is refused."""
    try:
        text = base64.b64decode(body or "").decode("utf-8") if is_base64_encoded else (body or "")
        parsed = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None, 'The body must be JSON: {"name": "..."}.'
    name = parsed.get("name") if isinstance(parsed, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None, "name must be a non-empty string."
    if len(name) > MAX_NAME_LENGTH:
        return None, f"name must be at most {MAX_NAME_LENGTH} characters."
    return name, None


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def _iso(moment: datetime) -> str:
    # The same shape as JavaScript's toISOString(): milliseconds and a Z.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def create_handler(store: ItemStore, now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        route = event.get("routeKey")
        item_id = (event.get("pathParameters") or {}).get("id", "")
        try:
            if route == "POST /items":
                name, error = parse_name(event.get("body"), bool(event.get("isBase64Encoded")))
                if name is None:
                    return _json(400, {"message": error})
                at = now()
                item = {"id": str(uuid.uuid4()), "name": name, "createdAt": _iso(at)}
                synthetic = SYNTHETIC_HEADER in (event.get("headers") or {})
                store.put(item, int(at.timestamp()) + SYNTHETIC_ITEM_TTL_SECONDS if synthetic else None)
                return _json(201, item, {"location": f"/items/{item['id']}"})
            if route == "GET /items/{id}":
                # An id that is not a UUID was never issued: answer without a table read.
                found = store.get(item_id) if _UUID.match(item_id) else None
                return _json(200, found) if found else _json(404, {"message": "No such item."})
            if route == "DELETE /items/{id}":
                if not _UUID.match(item_id):
                    return _json(404, {"message": "No such item."})
                # Deleting is idempotent: a second DELETE of the same id also answers 204.
                store.delete(item_id)
                return {"statusCode": 204}
            return _json(404, {"message": "No such route."})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep internals out of the public response.
            logger.error(json.dumps({"message": "item request failed", "routeKey": route, "error": str(error)}))
            return _json(500, {"message": "The item service is unavailable right now."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(DynamoStore(boto3.client("dynamodb"), os.environ["ITEMS_TABLE_NAME"]))
    return _handler(event, context)
