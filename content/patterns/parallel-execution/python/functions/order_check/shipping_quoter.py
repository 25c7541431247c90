"""Quotes shipping for an order by destination zone and weight."""

from __future__ import annotations

import logging
import math
from typing import Any, NamedTuple

from .order import Order, parse_order

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class Rate(NamedTuple):
    countries: tuple[str, ...]
    # Price of a parcel up to one kilogram.
    base_cents: int
    # Added for every started kilogram above the first.
    per_extra_kg_cents: int
    days: int


# A stand-in for a carrier's rate API: the shop ships from Germany to these countries only.
RATES: dict[str, Rate] = {
    "DOMESTIC": Rate(("DE",), 490, 100, 2),
    "EU": Rate(("AT", "BE", "CZ", "DK", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PL", "PT", "SE"), 990, 250, 4),
    "WORLD": Rate(("AU", "CA", "CH", "GB", "JP", "NO", "US"), 1990, 600, 7),
}
# The carrier's limit for one parcel.
MAX_PARCEL_GRAMS = 31_500


def quote_shipping(order: Order) -> dict[str, Any]:
    grams = order["quantity"] * order["weightGrams"]
    if grams > MAX_PARCEL_GRAMS:
        return {"status": "NO_ROUTE", "reason": "PARCEL_TOO_HEAVY"}
    zone = next((name for name, rate in RATES.items() if order["shipTo"]["country"] in rate.countries), None)
    if zone is None:
        return {"status": "NO_ROUTE", "reason": "DESTINATION_NOT_SERVED"}
    rate = RATES[zone]
    extra_kg = max(0, math.ceil(grams / 1000) - 1)
    return {"status": "QUOTED", "zone": zone, "costCents": rate.base_cents + extra_kg * rate.per_extra_kg_cents, "days": rate.days}


def handler(event: Any, _context: Any = None) -> dict[str, Any]:
    order = parse_order(event)
    quote = quote_shipping(order)
    logger.info("shipping quoted", extra={"orderId": order["orderId"], **quote})
    return quote
