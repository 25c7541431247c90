"""Runs orders through the synthesized definition: the real handlers, the real JSONata of every Output, Catch and
Choice rule, and a stock table as a dict. This is where the join's shape is held against what the Choice reads."""

import logging
from typing import Any

import pytest
from aws_cdk.assertions import Template

from functions.order_check.fraud_scorer import handler as fraud_scorer
from functions.order_check.shipping_quoter import handler as shipping_quoter
from parallel_execution.parallel_execution_stack import ParallelExecutionStack
from tests.asl import World, asl_of, simulate
from tests.cdk_app import app_from_cdk_json
from tests.fixtures import order

logging.getLogger().setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def asl() -> dict[str, Any]:
    return asl_of(Template.from_stack(ParallelExecutionStack(app_from_cdk_json(), "Under-Test")))


def world(**overrides: Any) -> World:
    return World(
        functions=overrides.get("functions", {"FraudScorer": fraud_scorer, "ShippingQuoter": shipping_quoter}),
        stock={"KB-001": 40, "MS-002": 3},
        failing=overrides.get("failing", {}),
    )


def test_approves_an_in_stock_low_risk_order_to_a_country_the_shop_serves_with_every_check_in_the_output(asl: dict[str, Any]) -> None:
    assert simulate(asl, order(), world()) == {
        "status": "SUCCEEDED",
        "endState": "Order approved",
        "output": {
            "orderId": "ord-1001",
            "decision": "APPROVED",
            "fraud": {"status": "SCORED", "score": 0, "signals": []},
            "stock": {"status": "IN_STOCK", "available": 40},
            "shipping": {"status": "QUOTED", "zone": "DOMESTIC", "costCents": 490, "days": 2},
        },
    }


def test_rejects_an_order_the_stock_cannot_cover_or_a_product_it_does_not_know_even_while_the_fraud_scorer_is_down(asl: dict[str, Any]) -> None:
    short = simulate(asl, order(sku="MS-002", quantity=4), world(failing={"FraudScorer": "Lambda.TooManyRequestsException"}))
    assert short["endState"] == "Order rejected"
    assert [short["output"]["stock"], short["output"]["fraud"]] == [
        {"status": "SHORT", "available": 3},
        {"status": "UNAVAILABLE", "error": "Lambda.TooManyRequestsException"},
    ]
    unknown = simulate(asl, order(sku="XX-404"), world())
    assert [unknown["endState"], unknown["output"]["stock"]] == ["Order rejected", {"status": "SHORT", "available": 0}]
    assert simulate(asl, order(sku="MS-002", quantity=3), world())["endState"] == "Order approved"


def test_rejects_a_likely_fraud_and_a_destination_the_shop_cannot_ship_to(asl: dict[str, Any]) -> None:
    fraud = simulate(
        asl,
        order(unitPriceCents=60_000, customer={"id": "cust-9", "accountAgeDays": 2, "billingCountry": "DE"}, shipTo={"country": "FR"}),
        world(),
    )
    assert [fraud["endState"], fraud["output"]["fraud"]["score"]] == ["Order rejected", 85]
    nowhere = simulate(
        asl, order(shipTo={"country": "BR"}, customer={"id": "cust-42", "accountAgeDays": 420, "billingCountry": "BR"}), world()
    )
    assert [nowhere["endState"], nowhere["output"]["shipping"]] == ["Order rejected", {"status": "NO_ROUTE", "reason": "DESTINATION_NOT_SERVED"}]


def test_holds_an_order_for_review_when_the_fraud_scorer_or_the_shipping_quoter_stays_unavailable_or_the_score_is_elevated(
    asl: dict[str, Any],
) -> None:
    no_score = simulate(asl, order(), world(failing={"FraudScorer": "States.Timeout"}))
    assert [no_score["endState"], no_score["output"]["fraud"]] == ["Order held for review", {"status": "UNAVAILABLE", "error": "States.Timeout"}]
    no_quote = simulate(asl, order(), world(failing={"ShippingQuoter": "Lambda.ServiceException"}))
    assert [no_quote["endState"], no_quote["output"]["shipping"]] == [
        "Order held for review",
        {"status": "UNAVAILABLE", "error": "Lambda.ServiceException"},
    ]
    elevated = simulate(asl, order(customer={"id": "cust-8", "accountAgeDays": 5, "billingCountry": "AT"}), world())
    assert [elevated["endState"], elevated["output"]["fraud"]["score"]] == ["Order held for review", 50]


def test_fails_the_whole_check_with_the_original_error_when_the_stock_read_keeps_failing_or_the_order_is_invalid(asl: dict[str, Any]) -> None:
    assert simulate(asl, order(), world(failing={"Stock": "DynamoDB.ProvisionedThroughputExceededException"})) == {
        "status": "FAILED",
        "error": "DynamoDB.ProvisionedThroughputExceededException",
        "cause": "the Stock table kept failing",
    }
    assert simulate(asl, {**order(), "quantity": 0}, world()) == {
        "status": "FAILED",
        "error": "InvalidOrder",
        "cause": "quantity must be a whole number from 1 to 99",
    }

    # A bug in a function is not unavailability: it fails the check instead of sending orders to review.
    def buggy(_event: Any) -> Any:
        raise TypeError("x is undefined")

    assert simulate(asl, order(), world(functions={"FraudScorer": buggy, "ShippingQuoter": shipping_quoter})) == {
        "status": "FAILED",
        "error": "TypeError",
        "cause": "x is undefined",
    }
