"""Shapes shared by the three order functions and the state machine that wires them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Literal, NamedTuple, TypedDict

Fulfilment = Literal["delivery", "pickup"]


class MenuItem(NamedTuple):
    name: str
    price_cents: int
    # Only pizzas take oven time; drinks and desserts come off a shelf.
    baked: bool


MENU: dict[str, MenuItem] = {
    "margherita": MenuItem("Margherita", 900, True),
    "marinara": MenuItem("Marinara", 800, True),
    "diavola": MenuItem("Diavola", 1100, True),
    "quattro-formaggi": MenuItem("Quattro formaggi", 1200, True),
    "tiramisu": MenuItem("Tiramisu", 550, False),
    "lemonade": MenuItem("Lemonade", 350, False),
}


class OrderLine(TypedDict):
    sku: str
    name: str
    quantity: int
    lineTotalCents: int


class _ValidOrderRequired(TypedDict):
    orderId: str
    fulfilment: Fulfilment
    lines: list[OrderLine]
    bakedItems: int
    subtotalCents: int


class ValidOrder(_ValidOrderRequired, total=False):
    """An order that passed validation: prices come from the menu, never from the caller."""

    address: str


def kitchen_minutes(baked_items: int) -> int:
    """Ten minutes to get going, then two more per pizza in the queue."""
    return 10 + 2 * baked_items


def minutes_from(now: datetime, minutes: int) -> str:
    """An ISO 8601 UTC timestamp with milliseconds, e.g. 2026-11-22T18:14:00.000Z."""
    later = now.astimezone(timezone.utc) + timedelta(minutes=minutes)
    return later.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
