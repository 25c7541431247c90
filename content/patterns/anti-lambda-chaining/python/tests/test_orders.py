from functions.orders import MAX_QUANTITY, price_order
from functions.price_order import handler

GOOD = {"orderId": "ord-1001", "cardToken": "tok_visa", "items": [{"sku": "BOOK-1", "quantity": 2}, {"sku": "MUG-2", "quantity": 1}]}


def test_prices_an_order_from_the_price_list_ignoring_any_price_the_caller_sends() -> None:
    result = handler({**GOOD, "items": [{"sku": "BOOK-1", "quantity": 2, "unitPriceCents": 1}, {"sku": "MUG-2", "quantity": 1}]})
    assert result == {
        "valid": True,
        "order": {
            "orderId": "ord-1001",
            "items": [{"sku": "BOOK-1", "quantity": 2, "unitPriceCents": 1250}, {"sku": "MUG-2", "quantity": 1, "unitPriceCents": 900}],
            "totalCents": 3400,
            "cardToken": "tok_visa",
        },
    }


def test_rejects_unknown_skus_bad_quantities_bad_ids_and_missing_card_tokens_with_every_reason() -> None:
    result = price_order({"orderId": "no spaces", "items": [{"sku": "GIFT-9", "quantity": 1}, {"sku": "TEE-3", "quantity": MAX_QUANTITY + 1}]})
    assert result == {
        "valid": False,
        "reasons": [
            "orderId must be 1 to 64 letters, digits or dashes",
            "cardToken must be a payment token starting with tok_",
            "items[0].sku is not for sale",
            "items[1].quantity must be a whole number from 1 to 10",
        ],
    }
    assert price_order(None) == {
        "valid": False,
        "reasons": ["orderId must be 1 to 64 letters, digits or dashes", "cardToken must be a payment token starting with tok_", "items must list 1 to 20 lines"],
    }
