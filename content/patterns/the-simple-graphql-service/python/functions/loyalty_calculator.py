"""Works out each customer's loyalty tier for AppSync's BatchInvoke of the Customer.loyalty field."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from typing import Any, TypedDict

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class Loyalty(TypedDict):
    tier: str
    points: int
    nextTier: str | None
    spendToNextTier: float | None
    ordersToNextTier: int | None


class BatchItemResult(TypedDict):
    """One answer per batch item, in the shape the resolver's response function unpacks."""

    data: Loyalty | None
    errorMessage: str | None
    errorType: str | None


@dataclass(frozen=True)
class Tier:
    tier: str
    min_spend: float
    min_orders: int
    points_per_currency_unit: float


# Lowest tier first. A tier needs both its spend and its order count; points earn at the tier's rate.
TIERS: tuple[Tier, ...] = (
    Tier("BRONZE", 0, 0, 1),
    Tier("SILVER", 500, 3, 1.25),
    Tier("GOLD", 2000, 10, 1.5),
    Tier("PLATINUM", 5000, 25, 2),
)


class InvalidCustomerError(ValueError):
    pass


def _is_number(value: Any) -> bool:
    # bool is a subclass of int in Python; true is not an amount.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _round_cents(amount: float) -> float:
    """Half up to the cent, as JavaScript's Math.round does, not Python's round-half-to-even."""
    return math.floor(amount * 100 + 0.5) / 100


def calculate_loyalty(lifetime_spend: Any, order_count: Any) -> Loyalty:
    if not _is_number(lifetime_spend) or not math.isfinite(lifetime_spend) or lifetime_spend < 0:
        raise InvalidCustomerError(f"lifetimeSpend must be a non-negative number, got {lifetime_spend}")
    if not _is_number(order_count) or not math.isfinite(order_count) or order_count != int(order_count) or order_count < 0:
        raise InvalidCustomerError(f"orderCount must be a non-negative whole number, got {order_count}")
    orders = int(order_count)
    level = 0
    for i, tier in enumerate(TIERS):
        if lifetime_spend >= tier.min_spend and orders >= tier.min_orders:
            level = i
    current = TIERS[level]
    following = TIERS[level + 1] if level + 1 < len(TIERS) else None
    return {
        "tier": current.tier,
        "points": math.floor(lifetime_spend * current.points_per_currency_unit),
        "nextTier": following.tier if following else None,
        "spendToNextTier": max(0, _round_cents(following.min_spend - lifetime_spend)) if following else None,
        "ordersToNextTier": max(0, following.min_orders - orders) if following else None,
    }


def resolve_item(item: dict[str, Any]) -> BatchItemResult:
    """A bad item fails only its own field; the rest of the batch still gets answers."""
    try:
        return {"data": calculate_loyalty(item.get("lifetimeSpend"), item.get("orderCount")), "errorMessage": None, "errorType": None}
    except InvalidCustomerError as error:
        logger.warning(json.dumps({"message": "invalid customer totals", "customerId": item.get("customerId"), "error": str(error)}))
        return {"data": None, "errorMessage": f"Cannot work out loyalty for {item.get('customerId')}", "errorType": "InvalidCustomer"}


def handler(event: Any, _context: Any = None) -> list[BatchItemResult]:
    """AppSync BatchInvoke sends a list of payloads and expects a list back, same length and order."""
    if not isinstance(event, list):
        raise TypeError("Expected a BatchInvoke list of customers")
    return [resolve_item(item) for item in event]
