import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "functions"))

from orders import DynamoStore, caller_from, create_handler  # noqa: E402

from tests.events import OTHER_SUB, SERVICE_ARN, USER_SUB, access_token_claims, api_event  # noqa: E402

NOW = datetime(2026, 12, 5, 16, 31, 2, tzinfo=timezone.utc)
ORDER_ID = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"


class FakeStore:
    def __init__(self, existing: list[dict[str, Any]] | None = None) -> None:
        self.existing = existing or []
        self.listed: list[str] = []
        self.put_orders: list[dict[str, Any]] = []

    def list(self, owner: str) -> list[dict[str, Any]]:
        self.listed.append(owner)
        return [o for o in self.existing if o["owner"] == owner]

    def put(self, order: dict[str, Any]) -> None:
        self.put_orders.append(order)


def handler_with(store: FakeStore):
    return create_handler(store, now=lambda: NOW, new_id=lambda: ORDER_ID)


def body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def test_reads_the_user_from_the_cognito_access_token_claims() -> None:
    event = api_event("GET", "/orders", claims=access_token_claims("openid email orders/read orders/write"))
    assert caller_from(event) == {
        "kind": "user",
        "sub": USER_SUB,
        "username": USER_SUB,
        "clientId": "5mq7example0client0id0a1b2c",
        "scopes": ["openid", "email", "orders/read", "orders/write"],
    }


def test_reads_the_service_from_the_sigv4_caller_arn() -> None:
    event = api_event("GET", "/internal/orders/{owner}", owner=USER_SUB, service=True)
    assert caller_from(event) == {"kind": "service", "arn": SERVICE_ARN, "accountId": "123456789012"}


def test_finds_no_caller_in_an_unauthorized_event_or_one_carrying_id_token_claims() -> None:
    assert caller_from(api_event("GET", "/orders")) is None
    assert caller_from(api_event("GET", "/orders", claims=access_token_claims("", token_use="id"))) is None


def test_refuses_a_call_that_carries_no_verified_identity_without_touching_the_table() -> None:
    store = FakeStore()
    response = handler_with(store)(api_event("GET", "/orders"), None)
    assert response["statusCode"] == 401
    assert body(response) == {"message": "No verified caller identity on this request."}
    assert (store.listed, store.put_orders) == ([], [])


def test_lists_only_the_signed_in_users_own_orders_and_says_who_called() -> None:
    mine = {"owner": USER_SUB, "orderId": "a", "item": "tea", "quantity": 2, "createdAt": "2026-12-05T16:31:02.000Z", "createdBy": f"user:{USER_SUB}"}
    theirs = {**mine, "owner": OTHER_SUB, "orderId": "b"}
    store = FakeStore([mine, theirs])
    response = handler_with(store)(api_event("GET", "/orders", claims=access_token_claims("openid orders/read")), None)
    assert response["statusCode"] == 200
    assert store.listed == [USER_SUB]
    assert body(response) == {
        "caller": {"type": "user", "sub": USER_SUB, "username": USER_SUB, "clientId": "5mq7example0client0id0a1b2c", "scopes": ["openid", "orders/read"]},
        "owner": USER_SUB,
        "orders": [mine],
    }


def test_places_an_order_owned_by_the_user_and_stamped_with_who_created_it() -> None:
    store = FakeStore()
    event = api_event("POST", "/orders", claims=access_token_claims("orders/write"), body='{"item":" green tea ","quantity":3}')
    response = handler_with(store)(event, None)
    assert response["statusCode"] == 201
    expected = {"owner": USER_SUB, "orderId": ORDER_ID, "item": "green tea", "quantity": 3, "createdAt": "2026-12-05T16:31:02.000Z", "createdBy": f"user:{USER_SUB}"}
    assert store.put_orders == [expected]
    assert body(response)["order"] == expected


def test_refuses_a_user_token_without_the_scope_the_method_needs() -> None:
    store = FakeStore()
    handle = handler_with(store)
    write = handle(api_event("POST", "/orders", claims=access_token_claims("openid orders/read"), body='{"item":"tea","quantity":1}'), None)
    assert write["statusCode"] == 403
    assert body(write) == {"message": "The access token lacks the orders/write scope."}
    read = handle(api_event("GET", "/orders", claims=access_token_claims("orders/write")), None)
    assert read["statusCode"] == 403
    assert (store.listed, store.put_orders) == ([], [])


def test_refuses_a_service_on_a_people_route_and_a_user_on_a_service_route() -> None:
    store = FakeStore()
    handle = handler_with(store)
    service_on_people = handle(api_event("GET", "/orders", service=True), None)
    user_on_service = handle(api_event("GET", "/internal/orders/{owner}", owner=USER_SUB, claims=access_token_claims("orders/read")), None)
    assert (service_on_people["statusCode"], user_on_service["statusCode"]) == (403, 403)
    assert (store.listed, store.put_orders) == ([], [])


def test_lets_a_service_read_and_place_orders_for_the_owner_in_the_path_recording_its_arn() -> None:
    store = FakeStore()
    handle = handler_with(store)
    listed = handle(api_event("GET", "/internal/orders/{owner}", owner=OTHER_SUB, service=True), None)
    assert listed["statusCode"] == 200
    assert store.listed == [OTHER_SUB]
    assert body(listed)["caller"] == {"type": "service", "arn": SERVICE_ARN, "accountId": "123456789012"}
    placed = handle(api_event("POST", "/internal/orders/{owner}", owner=OTHER_SUB, service=True, body='{"item":"refill","quantity":1}'), None)
    assert placed["statusCode"] == 201
    assert [(o["owner"], o["createdBy"]) for o in store.put_orders] == [(OTHER_SUB, SERVICE_ARN)]


def test_rejects_a_malformed_owner_or_order_body_with_400_without_touching_the_table() -> None:
    store = FakeStore()
    handle = handler_with(store)
    statuses = [handle(api_event("GET", "/internal/orders/{owner}", owner="alice", service=True), None)["statusCode"]]
    claims = access_token_claims("orders/write")
    for raw in ["not json", '{"item":"tea"}', '{"item":"tea","quantity":0}', '{"item":"tea","quantity":1.5}', '{"item":"","quantity":1}', '{"item":"tea","quantity":1,"owner":"x"}']:
        statuses.append(handle(api_event("POST", "/orders", claims=claims, body=raw), None)["statusCode"])
    assert statuses == [400] * 7
    assert (store.listed, store.put_orders) == ([], [])


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(caplog: pytest.LogCaptureFixture) -> None:
    class Failing(FakeStore):
        def list(self, owner: str) -> list[dict[str, Any]]:
            raise RuntimeError("AccessDeniedException: secret-table-name")

    with caplog.at_level(logging.ERROR):
        response = create_handler(Failing())(api_event("GET", "/orders", claims=access_token_claims("orders/read")), None)
    assert response["statusCode"] == 500
    assert "secret-table-name" not in response["body"]


def test_queries_one_owners_partition_and_puts_new_orders_without_overwriting() -> None:
    calls: list[tuple[str, dict[str, Any]]] = []

    class Client:
        def query(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(("query", kwargs))
            item = {"owner": {"S": USER_SUB}, "orderId": {"S": "a"}, "item": {"S": "tea"}, "quantity": {"N": "2"}, "createdAt": {"S": "t"}, "createdBy": {"S": "u"}}
            return {"Items": [item]}

        def put_item(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(("put_item", kwargs))
            return {}

    store = DynamoStore(Client(), "Orders")
    assert store.list(USER_SUB) == [{"owner": USER_SUB, "orderId": "a", "item": "tea", "quantity": 2, "createdAt": "t", "createdBy": "u"}]
    store.put({"owner": USER_SUB, "orderId": "b", "item": "tea", "quantity": 1, "createdAt": "t", "createdBy": "u"})
    assert calls == [
        (
            "query",
            {
                "TableName": "Orders",
                "KeyConditionExpression": "#owner = :owner",
                "ExpressionAttributeNames": {"#owner": "owner"},
                "ExpressionAttributeValues": {":owner": {"S": USER_SUB}},
                "Limit": 50,
            },
        ),
        (
            "put_item",
            {
                "TableName": "Orders",
                "Item": {"owner": {"S": USER_SUB}, "orderId": {"S": "b"}, "item": {"S": "tea"}, "quantity": {"N": "1"}, "createdAt": {"S": "t"}, "createdBy": {"S": "u"}},
                "ConditionExpression": "attribute_not_exists(orderId)",
            },
        ),
    ]
