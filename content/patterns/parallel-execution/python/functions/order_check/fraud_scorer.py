"""Scores an order for fraud risk from its value, account age and addresses."""

from __future__ import annotations

import logging
from typing import Any, Literal, TypedDict

from .order import Order, parse_order

logger = logging.getLogger()
logger.setLevel(logging.INFO)

FraudSignal = Literal["HIGH_VALUE", "NEW_ACCOUNT", "COUNTRY_MISMATCH", "BULK_QUANTITY"]

# Points each signal adds. The workflow, not this function, decides what a score means.
SIGNAL_POINTS: dict[str, int] = {
    "HIGH_VALUE": 35,
    "NEW_ACCOUNT": 25,
    "COUNTRY_MISMATCH": 25,
    "BULK_QUANTITY": 20,
}
HIGH_VALUE_CENTS = 50_000
NEW_ACCOUNT_DAYS = 30
BULK_QUANTITY = 10


class FraudScore(TypedDict):
    status: Literal["SCORED"]
    score: int
    signals: list[str]


def score_order(order: Order) -> FraudScore:
    """A stand-in for a fraud vendor's API.

    Deterministic rules, so the same order always gets the same score and a retried call changes nothing.
    """
    signals: list[str] = []
    if order["quantity"] * order["unitPriceCents"] >= HIGH_VALUE_CENTS:
        signals.append("HIGH_VALUE")
    if order["customer"]["accountAgeDays"] < NEW_ACCOUNT_DAYS:
        signals.append("NEW_ACCOUNT")
    if order["customer"]["billingCountry"] != order["shipTo"]["country"]:
        signals.append("COUNTRY_MISMATCH")
    if order["quantity"] >= BULK_QUANTITY:
        signals.append("BULK_QUANTITY")
    score = min(100, sum(SIGNAL_POINTS[signal] for signal in signals))
    return {"status": "SCORED", "score": score, "signals": signals}


def handler(event: Any, _context: Any = None) -> FraudScore:
    order = parse_order(event)
    result = score_order(order)
    logger.info("order scored", extra={"orderId": order["orderId"], "score": result["score"], "signals": result["signals"]})
    return result
