import pytest

from tests.resolvers import AppSyncError, Resolver

CONDITION_FAILED = {"message": "The conditional request failed", "type": "DynamoDB:ConditionalCheckFailedException"}

# getCustomer


def test_reads_the_item_by_its_id() -> None:
    assert Resolver("get-customer").request({"args": {"id": "c-1"}}) == {"operation": "GetItem", "key": {"id": {"S": "c-1"}}}


def test_passes_a_missing_customer_on_as_null_and_raises_dynamodb_errors() -> None:
    resolver = Resolver("get-customer")
    assert resolver.response({"args": {"id": "c-1"}, "result": None}) is None
    with pytest.raises(AppSyncError) as raised:
        resolver.response({"error": {"message": "throttled", "type": "DynamoDB:ThrottlingException"}})
    assert raised.value.type == "DynamoDB:ThrottlingException"


# listCustomers


def test_scans_a_default_page_of_20_and_forwards_the_page_token() -> None:
    resolver = Resolver("list-customers")
    assert resolver.request({"args": {}}) == {"operation": "Scan", "limit": 20}
    assert resolver.request({"args": {"limit": 5, "nextToken": "abc"}}) == {"operation": "Scan", "limit": 5, "nextToken": "abc"}


def test_refuses_pages_smaller_than_1_or_larger_than_50() -> None:
    resolver = Resolver("list-customers")
    for limit in (0, 51):
        with pytest.raises(AppSyncError) as raised:
            resolver.request({"args": {"limit": limit}})
        assert raised.value.type == "ValidationError"
    assert resolver.request({"args": {"limit": 50}})["limit"] == 50


def test_returns_the_items_and_a_null_token_on_the_last_page() -> None:
    resolver = Resolver("list-customers")
    items = [{"id": "c-1"}]
    assert resolver.response({"result": {"items": items}}) == {"items": items, "nextToken": None}
    assert resolver.response({"result": {"items": items, "nextToken": "n"}}) == {"items": items, "nextToken": "n"}


# addCustomer


def test_puts_a_new_customer_with_a_generated_id_zero_totals_and_a_timestamp_never_overwriting() -> None:
    put = Resolver("add-customer").request({"args": {"input": {"name": "  Ada Lovelace ", "email": "Ada@Example.com"}}})
    assert put == {
        "operation": "PutItem",
        "key": {"id": {"S": "0b8c7a6e-1111-4222-8333-944455556666"}},
        "attributeValues": {
            "name": {"S": "Ada Lovelace"},
            "email": {"S": "ada@example.com"},
            "lifetimeSpend": {"N": "0"},
            "orderCount": {"N": "0"},
            "createdAt": {"S": "2026-11-22T09:30:00.000Z"},
        },
        "condition": {"expression": "attribute_not_exists(id)"},
    }


def test_rejects_a_blank_or_overlong_name_before_dynamodb_is_called() -> None:
    resolver = Resolver("add-customer")
    for name in ("   ", "x" * 101):
        with pytest.raises(AppSyncError) as raised:
            resolver.request({"args": {"input": {"name": name, "email": "a@b.co"}}})
        assert raised.value.type == "ValidationError"


# recordPurchase


def test_adds_the_amount_rounded_to_cents_and_one_order_atomically_only_to_an_existing_customer() -> None:
    assert Resolver("record-purchase").request({"args": {"id": "c-1", "amount": 19.999}}) == {
        "operation": "UpdateItem",
        "key": {"id": {"S": "c-1"}},
        "update": {
            "expression": "ADD lifetimeSpend :amount, orderCount :one",
            "expressionValues": {":amount": {"N": "20"}, ":one": {"N": "1"}},
        },
        "condition": {"expression": "attribute_exists(id)"},
    }


def test_refuses_zero_negative_and_absurd_amounts() -> None:
    resolver = Resolver("record-purchase")
    for amount in (0, -5, 100000.01):
        with pytest.raises(AppSyncError) as raised:
            resolver.request({"args": {"id": "c-1", "amount": amount}})
        assert raised.value.type == "ValidationError"


def test_reports_an_unknown_id_as_not_found_instead_of_a_raw_dynamodb_error() -> None:
    with pytest.raises(AppSyncError) as raised:
        Resolver("record-purchase").response({"args": {"id": "nope"}, "error": CONDITION_FAILED})
    assert (raised.value.type, raised.value.message) == ("NotFound", "No customer with id nope")


# removeCustomer


def test_deletes_by_id_and_returns_the_old_item() -> None:
    resolver = Resolver("remove-customer")
    assert resolver.request({"args": {"id": "c-9"}}) == {"operation": "DeleteItem", "key": {"id": {"S": "c-9"}}}
    assert resolver.response({"result": {"id": "c-9"}}) == {"id": "c-9"}


# Customer.loyalty


def test_batches_the_call_and_sends_only_the_fields_the_calculation_needs() -> None:
    source = {"id": "c-1", "name": "Ada", "email": "ada@example.com", "lifetimeSpend": 620, "orderCount": 4}
    assert Resolver("customer-loyalty").request({"source": source}) == {
        "operation": "BatchInvoke",
        "payload": {"customerId": "c-1", "lifetimeSpend": 620, "orderCount": 4},
    }


def test_unwraps_the_batch_item_or_raises_the_error_the_function_reported_for_it() -> None:
    resolver = Resolver("customer-loyalty")
    data = {"tier": "SILVER", "points": 775}
    assert resolver.response({"result": {"data": data, "errorMessage": None, "errorType": None}}) == data
    with pytest.raises(AppSyncError) as raised:
        resolver.response({"result": {"data": None, "errorMessage": "bad totals", "errorType": "InvalidCustomer"}})
    assert raised.value.type == "InvalidCustomer"
    assert resolver.response({"result": None}) is None
