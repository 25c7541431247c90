import base64
import json
from datetime import datetime, timezone
from typing import Any, Optional

import pytest

from functions.service import (
    CLIENT_CONFIG,
    HEALTH_KEY,
    MAX_VALUE_LENGTH,
    RETENTION_SECONDS,
    DynamoStore,
    create_handler,
)

NOW = datetime(2026, 12, 5, 10, 0, 0, tzinfo=timezone.utc)
NOW_SECONDS = int(NOW.timestamp())


def request(route_key: str, item_id: Optional[str] = None, body: Optional[str] = None, is_base64_encoded: bool = False) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "pathParameters": None if item_id is None else {"id": item_id},
        "body": body,
        "isBase64Encoded": is_base64_encoded,
    }


class FakeStore:
    """An in-memory replica that records every call, and can be told to fail."""

    def __init__(self, fail: bool = False, items: Optional[dict[str, dict[str, Any]]] = None) -> None:
        self.fail = fail
        self.items = dict(items or {})
        self.calls: list[str] = []

    def probe(self) -> None:
        self.calls.append("probe")
        if self.fail:
            raise RuntimeError("ResourceNotFoundException: Requested resource not found: Table: secret-table")

    def get(self, item_id: str) -> Optional[dict[str, Any]]:
        self.calls.append(f"get {item_id}")
        if self.fail:
            raise RuntimeError("InternalServerError: secret-table")
        return self.items.get(item_id)

    def put(self, item: dict[str, str], expires_at: int) -> None:
        self.calls.append(f"put {item['id']}")
        if self.fail:
            raise RuntimeError("InternalServerError: secret-table")
        self.items[item["id"]] = {**item, "expiresAt": expires_at}


def test_answers_200_with_the_region_when_a_read_of_the_local_replica_succeeds(caplog: pytest.LogCaptureFixture) -> None:
    store = FakeStore()
    response = create_handler(store, "us-west-2", lambda: NOW)(request("GET /health"))
    # About 1.3 million probes a month: a healthy one writes no log line.
    assert caplog.records == []
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok", "region": "us-west-2"}
    assert response["headers"]["cache-control"] == "no-store"
    assert store.calls == ["probe"]


def test_answers_503_without_the_cause_when_the_local_replica_cannot_be_read(caplog: pytest.LogCaptureFixture) -> None:
    response = create_handler(FakeStore(fail=True), "us-east-1", lambda: NOW)(request("GET /health"))
    assert response["statusCode"] == 503
    assert json.loads(response["body"]) == {"status": "unavailable", "region": "us-east-1"}
    assert "secret-table" not in response["body"]
    assert "secret-table" in caplog.text


def test_gives_up_on_dynamodb_after_two_attempts_of_one_second_each() -> None:
    assert CLIENT_CONFIG.connect_timeout == 1
    assert CLIENT_CONFIG.read_timeout == 1
    assert CLIENT_CONFIG.retries == {"total_max_attempts": 2, "mode": "standard"}


def test_stores_a_value_with_the_time_the_region_that_took_the_write_and_an_expiry_a_week_later() -> None:
    store = FakeStore()
    response = create_handler(store, "us-east-1", lambda: NOW)(request("PUT /items/{id}", "order-42", json.dumps({"value": "shipped"})))
    assert response["statusCode"] == 200
    expected = {"id": "order-42", "value": "shipped", "updatedAt": "2026-12-05T10:00:00.000Z", "writtenIn": "us-east-1"}
    assert json.loads(response["body"]) == {**expected, "servedBy": "us-east-1"}
    assert store.items["order-42"] == {**expected, "expiresAt": NOW_SECONDS + RETENTION_SECONDS}
    assert RETENTION_SECONDS == 7 * 24 * 3600


def test_reads_an_item_back_with_the_region_that_serves_it() -> None:
    stored = {"id": "order-42", "value": "shipped", "updatedAt": "2026-12-05T09:00:00.000Z", "writtenIn": "us-east-1", "expiresAt": NOW_SECONDS + 60}
    response = create_handler(FakeStore(items={"order-42": stored}), "us-west-2", lambda: NOW)(request("GET /items/{id}", "order-42"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {
        "id": "order-42",
        "value": "shipped",
        "updatedAt": "2026-12-05T09:00:00.000Z",
        "writtenIn": "us-east-1",
        "servedBy": "us-west-2",
    }


def test_answers_404_for_a_missing_item_and_for_an_expired_one_ttl_has_not_removed_yet() -> None:
    expired = {"id": "old", "value": "x", "updatedAt": "2026-11-01T00:00:00.000Z", "writtenIn": "us-east-1", "expiresAt": NOW_SECONDS - 1}
    handler = create_handler(FakeStore(items={"old": expired}), "us-east-1", lambda: NOW)
    assert handler(request("GET /items/{id}", "missing"))["statusCode"] == 404
    assert handler(request("GET /items/{id}", "old"))["statusCode"] == 404


def test_refuses_a_bad_id_a_body_that_is_not_json_and_a_missing_or_oversized_value_without_touching_the_table() -> None:
    store = FakeStore()
    handler = create_handler(store, "us-east-1", lambda: NOW)
    refused = [
        request("GET /items/{id}", "no spaces"),
        request("PUT /items/{id}", "x" * 65, '{"value":"a"}'),
        request("PUT /items/{id}", HEALTH_KEY, '{"value":"a"}'),
        request("PUT /items/{id}", "a", "not json"),
        request("PUT /items/{id}", "a", '{"value":42}'),
        request("PUT /items/{id}", "a", '{"value":""}'),
        request("PUT /items/{id}", "a", "null"),
        request("PUT /items/{id}", "a", json.dumps({"value": "v" * (MAX_VALUE_LENGTH + 1)})),
    ]
    for event in refused:
        assert handler(event)["statusCode"] == 400, event
    assert store.calls == []
    encoded = base64.b64encode(json.dumps({"value": "v" * MAX_VALUE_LENGTH}).encode()).decode()
    assert handler(request("PUT /items/{id}", "a", encoded, True))["statusCode"] == 200


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails() -> None:
    handler = create_handler(FakeStore(fail=True), "us-east-1", lambda: NOW)
    for event in (request("GET /items/{id}", "a"), request("PUT /items/{id}", "a", '{"value":"v"}')):
        response = handler(event)
        assert response["statusCode"] == 500
        assert "secret-table" not in response["body"]


class RecordingClient:
    def __init__(self, reply: Optional[dict[str, Any]] = None) -> None:
        self.reply = reply or {}
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(("get_item", kwargs))
        return self.reply

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(("put_item", kwargs))
        return {}


def test_probes_with_a_data_plane_read_of_a_key_no_client_can_write() -> None:
    client = RecordingClient()
    DynamoStore(client, "Items").probe()
    assert client.sent == [("get_item", {"TableName": "Items", "Key": {"pk": {"S": "#health"}}, "ProjectionExpression": "pk"})]


def test_writes_the_item_with_its_expiry_in_epoch_seconds_and_reads_it_back() -> None:
    client = RecordingClient()
    item = {"id": "a", "value": "v", "updatedAt": "2026-12-05T10:00:00.000Z", "writtenIn": "us-east-1"}
    DynamoStore(client, "Items").put(item, 1_800_000_000)
    assert client.sent[0] == (
        "put_item",
        {
            "TableName": "Items",
            "Item": {"pk": {"S": "a"}, "value": {"S": "v"}, "updatedAt": {"S": item["updatedAt"]}, "writtenIn": {"S": "us-east-1"}, "expiresAt": {"N": "1800000000"}},
        },
    )
    stored = {"pk": {"S": "a"}, "value": {"S": "v"}, "updatedAt": {"S": item["updatedAt"]}, "writtenIn": {"S": "us-east-1"}, "expiresAt": {"N": "1800000000"}}
    assert DynamoStore(RecordingClient({"Item": stored}), "Items").get("a") == {**item, "expiresAt": 1_800_000_000}
    assert DynamoStore(RecordingClient({}), "Items").get("b") is None
