import base64
import json
from typing import Any, Optional

import pytest

from order_queries import MAX_LIMIT, DynamoReader, create_queries, decode_cursor, encode_cursor
from tests.fake_dynamodb import FakeDynamo
from tests.histories import VIEW, account, batch, event, insert_record, projector_for


def request(route_key: str, path: dict[str, str], query: Optional[dict[str, str]] = None) -> dict[str, Any]:
    return {"routeKey": route_key, "pathParameters": path, "queryStringParameters": query}


def order(order_id: str) -> dict[str, Any]:
    return request("GET /orders/{orderId}", {"orderId": order_id})


def orders_of(customer_id: str, query: Optional[dict[str, str]] = None) -> dict[str, Any]:
    return request("GET /customers/{customerId}/orders", {"customerId": customer_id}, query)


def body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def projected_view() -> FakeDynamo:
    """A view holding four orders of customer c-1 and one of c-2, projected from their events."""
    events = [
        event("o-1", 1, "OrderPlaced", {"customerId": "c-1"}, 1),
        event("o-1", 2, "ItemAdded", {"sku": "mug", "quantity": 2, "unitPriceCents": 1250}, 2),
        event("o-1", 3, "OrderPaid", {}, 3),
        event("o-2", 1, "OrderPlaced", {"customerId": "c-1"}, 4),
        event("o-2", 2, "OrderPaid", {}, 5),
        event("o-3", 1, "OrderPlaced", {"customerId": "c-1"}, 6),
        event("o-4", 1, "OrderPlaced", {"customerId": "c-1"}, 7),
        event("o-4", 2, "OrderPaid", {}, 8),
        event("o-5", 1, "OrderPlaced", {"customerId": "c-2"}, 9),
    ]
    fake = account(events)
    projector_for(fake)(batch([insert_record(item, i + 1) for i, item in enumerate(events)]))
    fake.calls.clear()
    return fake


def test_answers_one_order_with_the_version_it_reflects_and_without_index_plumbing() -> None:
    fake = projected_view()
    response = create_queries(DynamoReader(fake, VIEW))(order("o-1"))
    assert response["statusCode"] == 200
    assert body(response) == {
        "orderId": "o-1",
        "customerId": "c-1",
        "status": "PAID",
        "lines": [{"sku": "mug", "quantity": 2, "unitPriceCents": 1250}],
        "itemCount": 2,
        "totalCents": 2500,
        "placedAt": "2026-01-01T09:01:00.000Z",
        "updatedAt": "2026-01-01T09:03:00.000Z",
        "version": 3,
    }
    assert create_queries(DynamoReader(fake, VIEW))(order("o-404"))["statusCode"] == 404


def test_lists_a_customers_orders_of_one_status_newest_first_a_page_at_a_time() -> None:
    fake = projected_view()
    queries = create_queries(DynamoReader(fake, VIEW))
    first = queries(orders_of("c-1", {"status": "PAID", "limit": "2"}))
    assert first["statusCode"] == 200
    assert [o["orderId"] for o in body(first)["orders"]] == ["o-4", "o-2"]
    query = next(kwargs for name, kwargs in fake.calls if name == "Query")
    assert (query["IndexName"], query["KeyConditionExpression"], query["ExpressionAttributeValues"], query["ScanIndexForward"], query["Limit"]) == (
        "ByCustomerStatus",
        "customerId = :customer AND begins_with(statusAt, :status)",
        {":customer": {"S": "c-1"}, ":status": {"S": "PAID#"}},
        False,
        2,
    )
    second = queries(orders_of("c-1", {"status": "PAID", "limit": "2", "cursor": body(first)["next"]}))
    assert [o["orderId"] for o in body(second)["orders"]] == ["o-1"]
    assert body(second)["next"] is None
    everything = queries(orders_of("c-1"))
    assert sorted(o["orderId"] for o in body(everything)["orders"]) == ["o-1", "o-2", "o-3", "o-4"]


def test_refuses_bad_ids_statuses_limits_unknown_parameters_and_foreign_cursors_without_a_query() -> None:
    fake = projected_view()
    queries = create_queries(DynamoReader(fake, VIEW))
    cursor_of_c2 = encode_cursor({"customerId": "c-2", "orderId": "o-5", "statusAt": "PLACED#x"})
    partial = base64.urlsafe_b64encode(json.dumps({"customerId": "c-1", "orderId": "o-1"}).encode()).decode().rstrip("=")
    bad = [
        order("o 1"),
        order("x" * 65),
        request("GET /orders/{orderId}", {"orderId": "o-1"}, {"fields": "all"}),
        orders_of("c-1", {"status": "LOST"}),
        orders_of("c-1", {"limit": "0"}),
        orders_of("c-1", {"limit": str(MAX_LIMIT + 1)}),
        orders_of("c-1", {"limit": "2.5"}),
        orders_of("c-1", {"sort": "asc"}),
        orders_of("c-1", {"cursor": "not-a-cursor"}),
        orders_of("c-1", {"cursor": cursor_of_c2}),
        orders_of("c-1", {"cursor": partial}),
    ]
    for r in bad:
        assert queries(r)["statusCode"] == 400, r
    assert fake.calls == []
    assert decode_cursor(encode_cursor({"customerId": "c-1", "orderId": "o-1", "statusAt": "PAID#t"}), "c-1") == {
        "customerId": "c-1",
        "orderId": "o-1",
        "statusAt": "PAID#t",
    }


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(caplog: pytest.LogCaptureFixture) -> None:
    fake = projected_view()
    fake.fail_with = lambda _name, _kwargs: RuntimeError("AccessDeniedException on table secret-view-table")
    response = create_queries(DynamoReader(fake, VIEW))(order("o-1"))
    assert response["statusCode"] == 500
    assert "secret-view-table" not in response["body"] and "AccessDenied" not in response["body"]
    assert "secret-view-table" in caplog.text
