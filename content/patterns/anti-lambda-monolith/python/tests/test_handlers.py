import base64
import json
import logging
from typing import Any

import create_customer
import delete_customer
import get_customer
import place_order
from shop_monolith import ROUTES, create_monolith, route
from tests.fakes import RecordingClient

ID = "0b6f4c1e-9a2d-4e55-8c1f-3d2a7b9e6f10"
TABLES = {"customers": "Customers", "orders": "Orders"}
ITEM = {"Item": {"customerId": {"S": ID}}}


def event(route_key: str, raw_path: str, method: str | None = None, **extra: Any) -> dict[str, Any]:
    http_method = method or route_key.split(" ")[0]
    return {"routeKey": route_key, "rawPath": raw_path, "requestContext": {"http": {"method": http_method}}, **extra}


def proxied(method: str, raw_path: str, body: Any = None) -> dict[str, Any]:
    extra = {} if body is None else {"body": json.dumps(body)}
    return event("ANY /{proxy+}", raw_path, method, **extra)


def test_routes_every_operation_of_the_shop_through_one_switch_in_its_own_code() -> None:
    assert [r.method for r in ROUTES] == ["POST", "GET", "DELETE", "POST"]
    assert route("GET", f"/customers/{ID}/")[1] == [ID]  # type: ignore[index]
    assert route("DELETE", f"/customers/{ID}")[0] is ROUTES[2]  # type: ignore[index]
    assert route("POST", f"/customers/{ID}/orders")[0] is ROUTES[3]  # type: ignore[index]
    assert route("PATCH", f"/customers/{ID}") is None

    client = RecordingClient(lambda _name, _kwargs: ITEM)
    handler = create_monolith(client, TABLES)
    assert handler(proxied("POST", "/customers", {"name": "Ada", "email": "ada@example.com"}), None)["statusCode"] == 201
    assert handler(proxied("GET", f"/customers/{ID}"), None)["statusCode"] == 200
    assert handler(proxied("POST", f"/customers/{ID}/orders", {"lines": [{"sku": "TEA", "quantity": 1}]}), None)["statusCode"] == 201
    assert handler(proxied("DELETE", f"/customers/{ID}"), None)["statusCode"] == 204
    # One function, one client, every kind of write and read the API has.
    assert client.names == ["put_item", "get_item", "transact_write_items", "delete_item"]


def test_answers_404_itself_for_a_route_api_gateway_would_have_refused() -> None:
    client = RecordingClient()
    response = create_monolith(client, TABLES)(proxied("GET", "/admin/export"), None)
    assert response["statusCode"] == 404
    assert client.calls == []


def test_each_one_runs_only_its_own_operation_whatever_path_it_is_handed() -> None:
    params = {"pathParameters": {"customerId": ID}}
    cases = [
        (lambda c: create_customer.create_handler(c, "Customers"), event("POST /customers", "/customers", body=json.dumps({"name": "Ada", "email": "ada@example.com"})), "put_item", 201),
        (lambda c: get_customer.create_handler(c, "Customers"), event("GET /customers/{customerId}", "/anything", **params), "get_item", 200),
        (lambda c: delete_customer.create_handler(c, "Customers"), event("DELETE /customers/{customerId}", "/anything", **params), "delete_item", 204),
        (
            lambda c: place_order.create_handler(c, TABLES),
            event("POST /customers/{customerId}/orders", "/anything", body=json.dumps({"lines": [{"sku": "TEA", "quantity": 1}]}), **params),
            "transact_write_items",
            201,
        ),
    ]
    for make, ev, call, status in cases:
        client = RecordingClient(lambda _name, _kwargs: ITEM)
        assert make(client)(ev, None)["statusCode"] == status, ev["routeKey"]
        assert client.names == [call], ev["routeKey"]


def test_turn_a_bad_body_into_a_400_without_touching_the_table() -> None:
    client = RecordingClient()
    create = create_customer.create_handler(client, "Customers")
    assert create(event("POST /customers", "/customers", body="{not json"), None)["statusCode"] == 400
    assert create(event("POST /customers", "/customers"), None)["statusCode"] == 400
    encoded = base64.b64encode(json.dumps({"name": "Ada", "email": "bad"}).encode()).decode()
    response = create(event("POST /customers", "/customers", body=encoded, isBase64Encoded=True), None)
    assert response["statusCode"] == 400
    assert "email" in response["body"]
    assert client.calls == []


def test_answer_500_without_leaking_the_cause_when_dynamodb_fails(caplog: Any) -> None:
    def fail(_name: str, _kwargs: dict) -> None:
        raise RuntimeError("AccessDeniedException: arn:aws:dynamodb:us-east-1:123456789012:table/Customers-secret")

    with caplog.at_level(logging.ERROR):
        response = get_customer.create_handler(RecordingClient(fail), "Customers")(event("GET /customers/{customerId}", "/x", pathParameters={"customerId": ID}), None)
    assert response["statusCode"] == 500
    for leak in ("secret", "arn:", "AccessDenied"):
        assert leak not in response["body"]
    assert "Customers-secret" in caplog.text
