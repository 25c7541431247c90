import pytest

from functions.loyalty_calculator import InvalidCustomerError, calculate_loyalty, handler

# calculate_loyalty


def test_starts_every_new_customer_at_bronze_with_the_distance_to_silver() -> None:
    assert calculate_loyalty(0, 0) == {
        "tier": "BRONZE",
        "points": 0,
        "nextTier": "SILVER",
        "spendToNextTier": 500,
        "ordersToNextTier": 3,
    }


def test_needs_both_the_spend_and_the_order_count_for_a_tier() -> None:
    # Gold-level spend in only four orders stays silver.
    one_big_order = calculate_loyalty(2500, 4)
    assert one_big_order["tier"] == "SILVER"
    assert one_big_order["nextTier"] == "GOLD"
    assert one_big_order["spendToNextTier"] == 0
    assert one_big_order["ordersToNextTier"] == 6


def test_earns_points_at_the_current_tier_rate_and_rounds_the_remaining_spend_to_cents() -> None:
    gold = calculate_loyalty(2000.1, 10)
    assert gold["tier"] == "GOLD"
    assert gold["points"] == 3000
    assert gold["spendToNextTier"] == 2999.9


def test_has_no_next_tier_at_platinum() -> None:
    assert calculate_loyalty(7200, 40) == {
        "tier": "PLATINUM",
        "points": 14400,
        "nextTier": None,
        "spendToNextTier": None,
        "ordersToNextTier": None,
    }


def test_rejects_totals_that_cannot_come_from_the_resolvers() -> None:
    for spend, orders in ((-1, 0), (10, 1.5), (float("nan"), 1), (True, 1), (10, None)):
        with pytest.raises(InvalidCustomerError):
            calculate_loyalty(spend, orders)


# the handler


def test_answers_a_batch_in_order_and_fails_only_the_bad_item(caplog: pytest.LogCaptureFixture) -> None:
    results = handler(
        [
            {"customerId": "a", "lifetimeSpend": 600, "orderCount": 3},
            {"customerId": "b", "lifetimeSpend": -20, "orderCount": 1},
            {"customerId": "c", "lifetimeSpend": 0, "orderCount": 0},
        ],
        None,
    )
    assert len(results) == 3
    assert results[0]["data"] and results[0]["data"]["tier"] == "SILVER"
    assert results[1] == {"data": None, "errorMessage": "Cannot work out loyalty for b", "errorType": "InvalidCustomer"}
    assert results[2]["data"] and results[2]["data"]["tier"] == "BRONZE"
    assert "invalid customer totals" in caplog.text


def test_refuses_a_single_invoke_payload_which_would_mean_the_resolver_lost_its_batching() -> None:
    with pytest.raises(TypeError, match="BatchInvoke"):
        handler({"customerId": "a", "lifetimeSpend": 1, "orderCount": 1}, None)
