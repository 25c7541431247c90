"""The order both functions read. The caller is your own checkout service, so a malformed order is a bug there."""

from __future__ import annotations

import re
from typing import Any, TypedDict


class Customer(TypedDict):
    id: str
    accountAgeDays: int
    billingCountry: str


class ShipTo(TypedDict):
    country: str


class Order(TypedDict):
    orderId: str
    sku: str
    quantity: int
    unitPriceCents: int
    weightGrams: int
    customer: Customer
    shipTo: ShipTo


class InvalidOrder(Exception):
    """Raised for an order that cannot be checked.

    No Retry or Catch in the workflow names it, so it fails its branch, the Parallel state and the execution,
    with this message as the cause.
    """


_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SKU = re.compile(r"^[A-Z0-9-]{1,32}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _whole_number(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _matches(value: Any, pattern: re.Pattern[str]) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _record(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_order(raw: Any) -> Order:
    """Checks every field at once and names every problem, in a fixed order.

    Both functions run this same check on the same input, so whichever branch fails first, the execution fails
    with the same cause.
    """
    data = _record(raw)
    customer = _record(data.get("customer"))
    ship_to = _record(data.get("shipTo"))
    problems: list[str] = []
    if not _matches(data.get("orderId"), _ID):
        problems.append("orderId must be 1 to 64 letters, digits, dashes or underscores")
    if not _matches(data.get("sku"), _SKU):
        problems.append("sku must be 1 to 32 capital letters, digits or dashes")
    if not _whole_number(data.get("quantity"), 1, 99):
        problems.append("quantity must be a whole number from 1 to 99")
    if not _whole_number(data.get("unitPriceCents"), 1, 10_000_000):
        problems.append("unitPriceCents must be a whole number from 1 to 10000000")
    if not _whole_number(data.get("weightGrams"), 1, 100_000):
        problems.append("weightGrams must be a whole number from 1 to 100000")
    if not _matches(customer.get("id"), _ID):
        problems.append("customer.id must be 1 to 64 letters, digits, dashes or underscores")
    if not _whole_number(customer.get("accountAgeDays"), 0, 100_000):
        problems.append("customer.accountAgeDays must be a whole number of days")
    if not _matches(customer.get("billingCountry"), _COUNTRY):
        problems.append("customer.billingCountry must be a two-letter country code")
    if not _matches(ship_to.get("country"), _COUNTRY):
        problems.append("shipTo.country must be a two-letter country code")
    if problems:
        raise InvalidOrder("; ".join(problems))
    return {
        "orderId": data["orderId"],
        "sku": data["sku"],
        "quantity": data["quantity"],
        "unitPriceCents": data["unitPriceCents"],
        "weightGrams": data["weightGrams"],
        "customer": {"id": customer["id"], "accountAgeDays": customer["accountAgeDays"], "billingCountry": customer["billingCountry"]},
        "shipTo": {"country": ship_to["country"]},
    }
