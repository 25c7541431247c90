import json
from datetime import datetime, timezone
from typing import Any

import pytest

from functions.items import MAX_NAME_LENGTH, SYNTHETIC_HEADER, SYNTHETIC_ITEM_TTL_SECONDS, DynamoStore, Item, create_handler

ID = "3f1c2b9e-8d4a-4e21-9a0b-5c6d7e8f9a01"
NOW = datetime(2026, 12, 5, 10, 0, 0, tzinfo=timezone.utc)


def request(route_key: str, *, body: str | None = None, item_id: str | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "body": body,
        "isBase64Encoded": False,
        "headers": headers or {},
        "pathParameters": None if item_id is None else {"id": item_id},
    }


class MemoryStore:
    """An in-memory store that records what the handler asked of it."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[Item, int | None]] = {}
        self.calls: list[str] = []

    def put(self, item: Item, expires_at: int | None = None) -> None:
        self.calls.append(f"put {item['id']}")
        self.items[item["id"]] = (item, expires_at)

    def get(self, item_id: str) -> Item | None:
        self.calls.append(f"get {item_id}")
        found = self.items.get(item_id)
        return found[0] if found else None

    def delete(self, item_id: str) -> None:
        self.calls.append(f"delete {item_id}")
        self.items.pop(item_id, None)


def test_creates_an_item_reads_it_back_and_deletes_it() -> None:
    store = MemoryStore()
    handler = create_handler(store, lambda: NOW)
    created = handler(request("POST /items", body=json.dumps({"name": "first"})))
    assert created["statusCode"] == 201
    item = json.loads(created["body"])
    assert len(item["id"]) == 36
    assert (item["name"], item["createdAt"]) == ("first", "2026-12-05T10:00:00.000Z")
    assert created["headers"]["location"] == f"/items/{item['id']}"

    read = handler(request("GET /items/{id}", item_id=item["id"]))
    assert read["statusCode"] == 200
    assert json.loads(read["body"]) == item

    assert handler(request("DELETE /items/{id}", item_id=item["id"]))["statusCode"] == 204
    assert store.items == {}
    assert handler(request("GET /items/{id}", item_id=item["id"]))["statusCode"] == 404
    # A second DELETE of the same id is not an error.
    assert handler(request("DELETE /items/{id}", item_id=item["id"]))["statusCode"] == 204


def test_gives_items_from_the_canary_a_one_hour_expiry_and_other_items_none() -> None:
    store = MemoryStore()
    handler = create_handler(store, lambda: NOW)
    canary = json.loads(handler(request("POST /items", body='{"name":"probe"}', headers={SYNTHETIC_HEADER: "api-journey-1"}))["body"])
    customer = json.loads(handler(request("POST /items", body='{"name":"real"}'))["body"])
    assert SYNTHETIC_ITEM_TTL_SECONDS == 3600
    assert store.items[canary["id"]][1] == int(NOW.timestamp()) + 3600
    assert store.items[customer["id"]][1] is None


def test_refuses_a_create_without_a_usable_name_without_touching_the_table() -> None:
    store = MemoryStore()
    handler = create_handler(store)
    for body in (None, "not json", "{}", '{"name":""}', '{"name":42}', "[]", json.dumps({"name": "x" * (MAX_NAME_LENGTH + 1)})):
        assert handler(request("POST /items", body=body))["statusCode"] == 400, body
    assert handler(request("POST /items", body=json.dumps({"name": "x" * MAX_NAME_LENGTH})))["statusCode"] == 201
    assert len(store.calls) == 1


def test_answers_404_for_an_id_that_is_not_a_uuid_without_touching_the_table() -> None:
    store = MemoryStore()
    handler = create_handler(store)
    assert handler(request("GET /items/{id}", item_id="not-a-uuid"))["statusCode"] == 404
    assert handler(request("DELETE /items/{id}", item_id="../../etc"))["statusCode"] == 404
    assert store.calls == []


class FailingStore:
    def put(self, item: Item, expires_at: int | None = None) -> None:
        raise RuntimeError("ProvisionedThroughputExceededException: secret-table-name")

    def get(self, item_id: str) -> Item | None:
        raise RuntimeError("secret-table-name")

    def delete(self, item_id: str) -> None:
        raise RuntimeError("secret-table-name")


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(caplog: pytest.LogCaptureFixture) -> None:
    handler = create_handler(FailingStore())
    for event in (request("POST /items", body='{"name":"a"}'), request("GET /items/{id}", item_id=ID), request("DELETE /items/{id}", item_id=ID)):
        response = handler(event)
        assert response["statusCode"] == 500
        assert "secret-table-name" not in response["body"]
    assert caplog.text.count("secret-table-name") == 3


class FakeDynamoDB:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("put_item", kwargs))
        return {}

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("get_item", kwargs))
        return {"Item": {"id": {"S": ID}, "name": {"S": "n"}, "createdAt": {"S": "2026-12-05T10:00:00.000Z"}}}

    def delete_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("delete_item", kwargs))
        return {}


def test_puts_with_a_no_overwrite_condition_reads_consistently_and_deletes_by_key() -> None:
    client = FakeDynamoDB()
    store = DynamoStore(client, "Items")
    store.put({"id": ID, "name": "n", "createdAt": "2026-12-05T10:00:00.000Z"}, 1_800_000_000)
    assert store.get(ID) == {"id": ID, "name": "n", "createdAt": "2026-12-05T10:00:00.000Z"}
    store.delete(ID)
    assert client.calls == [
        (
            "put_item",
            {
                "TableName": "Items",
                "Item": {"id": {"S": ID}, "name": {"S": "n"}, "createdAt": {"S": "2026-12-05T10:00:00.000Z"}, "expiresAt": {"N": "1800000000"}},
                "ConditionExpression": "attribute_not_exists(id)",
            },
        ),
        ("get_item", {"TableName": "Items", "Key": {"id": {"S": ID}}, "ConsistentRead": True}),
        ("delete_item", {"TableName": "Items", "Key": {"id": {"S": ID}}}),
    ]
