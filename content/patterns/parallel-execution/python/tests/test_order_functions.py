import logging

import pytest

from functions.order_check.fraud_scorer import handler as score_handler
from functions.order_check.fraud_scorer import score_order
from functions.order_check.order import InvalidOrder, parse_order
from functions.order_check.shipping_quoter import MAX_PARCEL_GRAMS, quote_shipping
from functions.order_check.shipping_quoter import handler as quote_handler
from tests.fixtures import order

logging.getLogger().setLevel(logging.WARNING)


def test_accepts_a_well_formed_order_and_keeps_only_the_fields_the_checks_read() -> None:
    assert parse_order({**order(), "note": "leave at the door"}) == order()


def test_names_every_problem_of_a_malformed_order_at_once_in_a_fixed_order_as_invalid_order() -> None:
    bad = {**order(), "quantity": 0, "sku": "kb 001", "shipTo": {"country": "Germany"}}
    with pytest.raises(InvalidOrder) as caught:
        parse_order(bad)
    assert type(caught.value).__name__ == "InvalidOrder"
    assert str(caught.value) == (
        "sku must be 1 to 32 capital letters, digits or dashes; quantity must be a whole number from 1 to 99; "
        "shipTo.country must be a two-letter country code"
    )
    with pytest.raises(InvalidOrder):
        parse_order(None)
    with pytest.raises(InvalidOrder, match="quantity must be a whole number"):
        parse_order({**order(), "quantity": 1.5})
    with pytest.raises(InvalidOrder, match="quantity must be a whole number"):
        parse_order({**order(), "quantity": True})


def test_gives_a_usual_order_from_an_established_customer_a_score_of_zero() -> None:
    assert score_order(order()) == {"status": "SCORED", "score": 0, "signals": []}


def test_adds_up_every_risk_signal_and_caps_the_score_at_100() -> None:
    risky = order(quantity=12, unitPriceCents=4500, customer={"id": "cust-7", "accountAgeDays": 3, "billingCountry": "DE"}, shipTo={"country": "GB"})
    assert score_order(risky) == {"status": "SCORED", "score": 100, "signals": ["HIGH_VALUE", "NEW_ACCOUNT", "COUNTRY_MISMATCH", "BULK_QUANTITY"]}
    assert score_order(order(customer={"id": "cust-8", "accountAgeDays": 29, "billingCountry": "FR"})) == {
        "status": "SCORED",
        "score": 50,
        "signals": ["NEW_ACCOUNT", "COUNTRY_MISMATCH"],
    }
    # The thresholds are inclusive: 500.00 is high value, 30 days is no longer new.
    assert score_order(order(unitPriceCents=50_000, customer={"id": "c", "accountAgeDays": 30, "billingCountry": "DE"})) == {
        "status": "SCORED",
        "score": 35,
        "signals": ["HIGH_VALUE"],
    }


def test_scores_the_same_order_the_same_way_every_time_so_a_retried_call_changes_nothing() -> None:
    first = score_handler(order(quantity=10, unitPriceCents=1500))
    second = score_handler(order(quantity=10, unitPriceCents=1500))
    assert first == second == {"status": "SCORED", "score": 20, "signals": ["BULK_QUANTITY"]}


def test_refuses_a_malformed_order_with_invalid_order_instead_of_scoring_it() -> None:
    with pytest.raises(InvalidOrder):
        score_handler({**order(), "customer": {"id": "cust-42"}})


def test_quotes_by_destination_zone_adding_a_price_for_every_started_kilogram_above_the_first() -> None:
    assert quote_shipping(order()) == {"status": "QUOTED", "zone": "DOMESTIC", "costCents": 490, "days": 2}
    # 3 x 1.2 kg = 3.6 kg: three started kilograms above the first.
    assert quote_shipping(order(quantity=3, weightGrams=1200, shipTo={"country": "FR"})) == {
        "status": "QUOTED",
        "zone": "EU",
        "costCents": 990 + 3 * 250,
        "days": 4,
    }
    assert quote_shipping(order(weightGrams=1000, shipTo={"country": "US"})) == {"status": "QUOTED", "zone": "WORLD", "costCents": 1990, "days": 7}


def test_answers_no_route_for_a_country_the_shop_does_not_serve_and_for_a_parcel_over_the_carrier_limit() -> None:
    assert quote_shipping(order(shipTo={"country": "BR"})) == {"status": "NO_ROUTE", "reason": "DESTINATION_NOT_SERVED"}
    assert quote_shipping(order(quantity=1, weightGrams=MAX_PARCEL_GRAMS))["status"] == "QUOTED"
    assert quote_shipping(order(quantity=2, weightGrams=15_751)) == {"status": "NO_ROUTE", "reason": "PARCEL_TOO_HEAVY"}


def test_refuses_a_malformed_order_with_invalid_order_instead_of_quoting_it() -> None:
    with pytest.raises(InvalidOrder, match="weightGrams must be"):
        quote_handler({**order(), "weightGrams": -1})
    assert quote_handler(order()) == {"status": "QUOTED", "zone": "DOMESTIC", "costCents": 490, "days": 2}
