"""The four providers: what each books, how it names the result, and what it costs."""

from __future__ import annotations

from typing import Any

from .travel_service import ServiceConfig

HOTEL_NIGHT_CENTS = 12_000
FLIGHT_CENTS = 25_000
CAR_DAY_CENTS = 4_500


def _payment_cents(event: dict[str, Any]) -> int:
    amount = event.get("amountCents")
    whole = isinstance(amount, int) and not isinstance(amount, bool) or isinstance(amount, float) and amount.is_integer()
    if not whole or amount <= 0:
        raise ValueError("payment needs a positive whole amountCents")
    return int(amount)


hotel = ServiceConfig(
    step="hotel",
    prefix="HTL",
    done_status="BOOKED",
    undone_status="CANCELLED",
    price_cents=lambda event: event["trip"]["nights"] * HOTEL_NIGHT_CENTS,
)

flight = ServiceConfig(step="flight", prefix="FLT", done_status="BOOKED", undone_status="CANCELLED", price_cents=lambda _event: FLIGHT_CENTS)

car = ServiceConfig(
    step="car",
    prefix="CAR",
    done_status="BOOKED",
    undone_status="CANCELLED",
    # Picked up on arrival, returned on departure day.
    price_cents=lambda event: (event["trip"]["nights"] + 1) * CAR_DAY_CENTS,
)

payment = ServiceConfig(step="payment", prefix="PAY", done_status="CHARGED", undone_status="REFUNDED", price_cents=_payment_cents)
