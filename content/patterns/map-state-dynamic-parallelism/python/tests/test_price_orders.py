import json
import logging
from typing import Any

import pytest

from functions.price_orders import MAX_LINES, MAX_QUANTITY, MAX_REASONS, MAX_UNIT_PRICE_CENTS, handler, price_order, price_orders

ORDER: dict[str, Any] = {
    "orderId": "ord-1001",
    "currency": "EUR",
    "lines": [
        {"sku": "TEA-GREEN-250", "quantity": 2, "unitPriceCents": 1299},
        {"sku": "MUG-BLUE", "quantity": 1, "unitPriceCents": 850},
    ],
}


def test_prices_a_valid_order_in_whole_cents() -> None:
    assert price_order({"index": 3, "order": ORDER}) == {
        "index": 3,
        "orderId": "ord-1001",
        "status": "PRICED",
        "currency": "EUR",
        "lineCount": 2,
        "units": 3,
        "totalCents": 2 * 1299 + 850,
    }


def test_lists_every_problem_of_a_bad_order_but_keeps_at_most_three_reasons() -> None:
    result = price_order(
        {"index": 0, "order": {"orderId": "has spaces", "currency": "euro", "lines": [{"sku": "", "quantity": 0, "unitPriceCents": -1}]}}
    )
    assert result["status"] == "REJECTED"
    assert result["orderId"] is None
    assert result["problemCount"] == 5
    assert len(result["reasons"]) == MAX_REASONS
    assert result["reasons"] == [
        "orderId must be 1 to 64 letters, digits, - or _",
        "currency must be a three-letter code such as EUR",
        "line 1: sku is missing or malformed",
    ]


def _rejected_for(order: Any) -> list[str]:
    result = price_order({"index": 0, "order": order})
    return result["reasons"] if result["status"] == "REJECTED" else []


def _line(**patch: Any) -> list[str]:
    return _rejected_for({**ORDER, "lines": [{"sku": "A", "quantity": 1, "unitPriceCents": 1, **patch}]})


def test_refuses_non_objects_booleans_fractions_and_out_of_range_numbers() -> None:
    assert _rejected_for("ord-1") == ["the order must be a JSON object"]
    assert _rejected_for(None) == ["the order must be a JSON object"]
    assert _rejected_for([ORDER]) == ["the order must be a JSON object"]
    assert "quantity" in _line(quantity=True)[0]
    assert "quantity" in _line(quantity=1.5)[0]
    assert "quantity" in _line(quantity=MAX_QUANTITY + 1)[0]
    assert "unitPriceCents" in _line(unitPriceCents="100")[0]
    assert "unitPriceCents" in _line(unitPriceCents=MAX_UNIT_PRICE_CENTS + 1)[0]
    assert _line(quantity=MAX_QUANTITY, unitPriceCents=MAX_UNIT_PRICE_CENTS) == []
    # JSON 2.0 is the number 2, as JavaScript reads it.
    assert _line(quantity=2.0) == []
    assert "lines must be a list of 1 to 100" in _rejected_for({**ORDER, "lines": []})[0]
    assert "lines" in _rejected_for({**ORDER, "lines": [ORDER["lines"][0]] * (MAX_LINES + 1)})[0]


def test_keeps_even_the_largest_possible_total_a_safe_integer() -> None:
    line = {"sku": "GOLD", "quantity": MAX_QUANTITY, "unitPriceCents": MAX_UNIT_PRICE_CENTS}
    result = price_order({"index": 0, "order": {**ORDER, "lines": [line] * MAX_LINES}})
    assert result["status"] == "PRICED"
    # JavaScript numbers are exact up to 2**53 - 1; the TypeScript worker must agree with this one.
    assert result["totalCents"] <= 2**53 - 1


def test_prices_a_batch_with_one_result_per_order_so_a_bad_order_never_fails_the_others() -> None:
    results = price_orders(
        {
            "BatchInput": {"manifestKey": "manifests/orders.json"},
            "Items": [
                {"index": 0, "order": ORDER},
                {"index": 1, "order": {"orderId": "ord-1002", "currency": "EUR", "lines": "none"}},
                {"index": 2, "order": {**ORDER, "orderId": "ord-1003"}},
            ],
        }
    )
    assert isinstance(results, list)
    assert [(r["index"], r["orderId"], r["status"]) for r in results] == [
        (0, "ord-1001", "PRICED"),
        (1, "ord-1002", "REJECTED"),
        (2, "ord-1003", "PRICED"),
    ]


def test_answers_a_single_order_from_the_inline_map_with_a_single_result(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        result = handler({"index": 7, "order": ORDER})
    assert isinstance(result, dict) and result["index"] == 7
    assert json.loads(caplog.records[-1].getMessage()) == {"message": "orders priced", "mode": "single", "priced": 1, "rejected": 0}


def test_throws_on_an_event_that_is_neither_an_order_nor_a_batch() -> None:
    with pytest.raises(ValueError, match="Expected"):
        price_orders({"orders": [ORDER]})
    with pytest.raises(ValueError, match="Expected"):
        handler([ORDER])


def test_keeps_400_worst_case_results_within_the_256_kib_a_state_may_output() -> None:
    worst_lines = [{"sku": "bad sku!", "quantity": 0, "unitPriceCents": -1}] * MAX_LINES
    results = [
        price_order({"index": index + 100_000, "order": {"orderId": "x" * 64, "currency": "nope", "lines": worst_lines}}) for index in range(400)
    ]
    assert all(r["status"] == "REJECTED" and r["problemCount"] == 1 + MAX_LINES * 3 for r in results)
    size = len(json.dumps({"mode": "inline", "priced": [], "rejected": results, "failed": []}, separators=(",", ":")).encode())
    assert size < 256 * 1024 * 0.75, size
