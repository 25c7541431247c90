import base64
import json

from order import MAX_BODY_BYTES, MAX_ITEMS, OrderItem, OrderRequest, authorize_payment, parse_order, total_cents

ITEM = {"sku": "BOOK-1", "quantity": 1, "unitPriceCents": 100}
ORDER = {"customerId": "c-1", "paymentToken": "tok_visa", "items": [ITEM]}
PARSED = OrderRequest(customer_id="c-1", payment_token="tok_visa", items=[OrderItem(sku="BOOK-1", quantity=1, unit_price_cents=100)])


def test_accepts_a_valid_order_and_keeps_only_the_known_fields() -> None:
    assert parse_order(json.dumps({**ORDER, "admin": True, "items": [{**ITEM, "discount": 99}]})) == PARSED


def test_reads_a_base64_encoded_body() -> None:
    assert parse_order(base64.b64encode(json.dumps(ORDER).encode()).decode(), True) == PARSED


def test_refuses_bodies_that_are_missing_not_json_not_an_object_or_too_large() -> None:
    assert parse_order(None) == ["the body must be a JSON order"]
    assert parse_order("{") == ["the body is not valid JSON"]
    assert parse_order("[]") == ["the body must be a JSON object"]
    assert parse_order(" " * (MAX_BODY_BYTES + 1)) == [f"the body must be at most {MAX_BODY_BYTES} bytes"]


def test_lists_every_field_that_is_wrong() -> None:
    errors = parse_order(json.dumps({"customerId": "has space", "paymentToken": 5, "items": [{"sku": "", "quantity": 101, "unitPriceCents": 0}]}))
    assert isinstance(errors, list) and len(errors) == 5


def test_refuses_an_empty_order_and_one_with_too_many_items() -> None:
    assert isinstance(parse_order(json.dumps({**ORDER, "items": []})), list)
    assert isinstance(parse_order(json.dumps({**ORDER, "items": [ITEM] * (MAX_ITEMS + 1)})), list)
    assert isinstance(parse_order(json.dumps({**ORDER, "items": [ITEM] * MAX_ITEMS})), OrderRequest)


def test_adds_whole_cents_without_floating_point_drift() -> None:
    assert total_cents([OrderItem("A", 3, 10), OrderItem("B", 1, 20)]) == 50


def test_declines_the_two_test_tokens_and_approves_any_other() -> None:
    assert authorize_payment("tok_declined").reason == "card_declined"
    assert not authorize_payment("tok_insufficient_funds").approved
    assert authorize_payment("tok_visa").approved
