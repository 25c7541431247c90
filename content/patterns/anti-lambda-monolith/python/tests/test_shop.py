from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from shop import MAX_ORDER_LINES, BadRequest, create_customer, delete_customer, get_customer, parse_customer, parse_order, place_order
from tests.fakes import RecordingClient

ID = "0b6f4c1e-9a2d-4e55-8c1f-3d2a7b9e6f10"
ORDER_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
TABLES = {"customers": "Customers", "orders": "Orders"}


def fixed_now() -> datetime:
    return datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)


def test_creates_a_customer_with_a_new_id_never_overwriting_one() -> None:
    client = RecordingClient()
    reply = create_customer(client, "Customers", {"name": " Ada ", "email": "Ada@Example.com"}, lambda: ID, fixed_now)
    assert reply.status_code == 201
    assert reply.body == {"customerId": ID, "name": "Ada", "email": "ada@example.com", "createdAt": "2026-12-05T10:00:00.000Z"}
    assert client.calls == [
        (
            "put_item",
            {
                "TableName": "Customers",
                "Item": {"customerId": {"S": ID}, "name": {"S": "Ada"}, "email": {"S": "ada@example.com"}, "createdAt": {"S": "2026-12-05T10:00:00.000Z"}},
                "ConditionExpression": "attribute_not_exists(customerId)",
            },
        )
    ]


def test_refuses_a_customer_without_a_name_or_with_a_bad_email() -> None:
    for body in ({"email": "a@b.co"}, {"name": "Ada", "email": "not-an-address"}, ["Ada"], {"name": "x" * 101, "email": "a@b.co"}):
        with pytest.raises(BadRequest):
            parse_customer(body)


def test_answers_404_for_an_unknown_customer_and_never_looks_up_an_id_it_did_not_issue() -> None:
    client = RecordingClient()
    assert get_customer(client, "Customers", ID).status_code == 404
    assert get_customer(client, "Customers", "../../etc").status_code == 404
    assert delete_customer(client, "Customers", "nope").status_code == 404
    assert client.calls == [("get_item", {"TableName": "Customers", "Key": {"customerId": {"S": ID}}})]


def test_reads_and_deletes_one_customer_by_key() -> None:
    item = {"customerId": {"S": ID}, "name": {"S": "Ada"}}
    client = RecordingClient(lambda name, _kwargs: {"Item": item} if name == "get_item" else {})
    reply = get_customer(client, "Customers", ID)
    assert (reply.status_code, reply.body) == (200, {"customerId": ID, "name": "Ada"})
    assert delete_customer(client, "Customers", ID).status_code == 204
    assert client.names == ["get_item", "delete_item"]


def test_places_an_order_in_one_transaction_that_requires_the_customer_to_exist() -> None:
    client = RecordingClient()
    reply = place_order(client, TABLES, ID, {"lines": [{"sku": "TEA-1", "quantity": 2}]}, lambda: ORDER_ID, fixed_now)
    assert reply.status_code == 201
    assert reply.body == {"orderId": ORDER_ID, "customerId": ID, "lines": [{"sku": "TEA-1", "quantity": 2}], "createdAt": "2026-12-05T10:00:00.000Z"}
    assert client.calls == [
        (
            "transact_write_items",
            {
                "TransactItems": [
                    {"ConditionCheck": {"TableName": "Customers", "Key": {"customerId": {"S": ID}}, "ConditionExpression": "attribute_exists(customerId)"}},
                    {
                        "Put": {
                            "TableName": "Orders",
                            "Item": {
                                "orderId": {"S": ORDER_ID},
                                "customerId": {"S": ID},
                                "lines": {"L": [{"M": {"sku": {"S": "TEA-1"}, "quantity": {"N": "2"}}}]},
                                "createdAt": {"S": "2026-12-05T10:00:00.000Z"},
                            },
                            "ConditionExpression": "attribute_not_exists(orderId)",
                        }
                    },
                ]
            },
        )
    ]


def test_answers_404_when_the_customer_is_gone_by_the_time_the_order_is_written() -> None:
    def cancel(_name: str, _kwargs: dict) -> None:
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                "CancellationReasons": [{"Code": "ConditionalCheckFailed"}, {"Code": "None"}],
            },
            "TransactWriteItems",
        )

    reply = place_order(RecordingClient(cancel), TABLES, ID, {"lines": [{"sku": "TEA-1", "quantity": 1}]})
    assert (reply.status_code, reply.body) == (404, {"message": "No such customer."})


def test_refuses_empty_oversized_and_malformed_orders_before_writing_anything() -> None:
    bad = [
        {"lines": []},
        {"lines": [{"sku": "A", "quantity": 1}] * (MAX_ORDER_LINES + 1)},
        {"lines": [{"sku": "tea", "quantity": 1}]},
        {"lines": [{"sku": "TEA", "quantity": 0}]},
        {"lines": [{"sku": "TEA", "quantity": 1.5}]},
        {"lines": [{"sku": "TEA", "quantity": True}]},
    ]
    for body in bad:
        with pytest.raises(BadRequest):
            parse_order(body)
    assert parse_order({"lines": [{"sku": "TEA", "quantity": 100}]}) == [{"sku": "TEA", "quantity": 100}]
