"""Prices a parcel from a rate card compiled once per execution environment, and says how that environment started."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

COUNTRY = re.compile(r"[A-Z]{2}")
# Plain decimals only: no exponents, signs or underscores, so every runtime reads the same number.
WEIGHT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3})?")
CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class Tariff:
    """What one destination costs: a fixed part and a price for every started kilogram."""

    zone: str
    base_cents: int
    per_kg_cents: int


@dataclass(frozen=True)
class RateCard:
    """The rate card as the handler uses it: one lookup per request, no parsing, no validation."""

    currency: str
    max_weight_kg: float
    tariffs: Mapping[str, Tariff]


def _is_cents(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return float(value).is_integer() and value >= 0


def _is_positive_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value > 0


def _number(value: float) -> int | float:
    # JSON writes 2 for a whole number, as the TypeScript handler does, rather than 2.0.
    return int(value) if float(value).is_integer() else value


def compile_rate_card(raw: Any) -> RateCard:
    """Turns the raw rate card into lookup tables, refusing anything malformed.

    It runs once per execution environment, so a broken card fails initialisation instead of
    pricing a parcel wrongly.
    """

    def fail(problem: str) -> None:
        raise ValueError(f"rate card: {problem}")

    card = raw if isinstance(raw, dict) else {}
    currency = card.get("currency")
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
        fail("currency must be a three-letter ISO code")
    max_weight_kg = card.get("maxWeightKg")
    if not _is_positive_number(max_weight_kg):
        fail("maxWeightKg must be a positive number")
    zones = card.get("zones")
    if not isinstance(zones, dict):
        fail("zones must be an object")
    tariffs: dict[str, Tariff] = {}
    for zone, value in zones.items():
        entry = value if isinstance(value, dict) else {}
        base_cents, per_kg_cents, countries = entry.get("baseCents"), entry.get("perKgCents"), entry.get("countries")
        if not _is_cents(base_cents) or not _is_cents(per_kg_cents):
            fail(f"zone {zone} needs whole, non-negative baseCents and perKgCents")
        if not isinstance(countries, list) or not countries:
            fail(f"zone {zone} lists no countries")
        for country in countries:
            if not isinstance(country, str) or not COUNTRY.fullmatch(country):
                fail(f"zone {zone} lists {country}, not a two-letter country code")
            known = tariffs.get(country)
            if known is not None:
                fail(f"{country} is in both {known.zone} and {zone}")
            tariffs[country] = Tariff(zone=zone, base_cents=int(base_cents), per_kg_cents=int(per_kg_cents))
    return RateCard(currency=currency, max_weight_kg=max_weight_kg, tariffs=tariffs)


def price_parcel(card: RateCard, to: str | None, weight: str | None) -> dict[str, Any]:
    """Prices a parcel, or returns {"problem": ...} saying in one sentence why it cannot."""
    destination = (to or "").strip().upper()
    if not COUNTRY.fullmatch(destination):
        return {"problem": "Send the destination as a two-letter country code, for example to=FR."}
    tariff = card.tariffs.get(destination)
    if tariff is None:
        return {"problem": f"We do not ship to {destination}."}
    raw = (weight or "").strip()
    weight_kg = float(raw) if WEIGHT.fullmatch(raw) else math.nan
    if not weight_kg > 0 or weight_kg > card.max_weight_kg:
        return {"problem": f"Send weightKg as a number above 0 and up to {_number(card.max_weight_kg)}, for example weightKg=2.5."}
    # Every started kilogram is charged, as carriers do.
    billable_kg = math.ceil(weight_kg)
    return {
        "destination": destination,
        "zone": tariff.zone,
        "weightKg": _number(weight_kg),
        "billableKg": billable_kg,
        "price": {"amountCents": tariff.base_cents + tariff.per_kg_cents * billable_kg, "currency": card.currency},
    }


def describe_environment(env: Mapping[str, str], now: datetime) -> dict[str, str]:
    """How this execution environment came to be; Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE."""
    utc = now.astimezone(timezone.utc)
    return {
        "initType": env.get("AWS_LAMBDA_INITIALIZATION_TYPE", "unknown"),
        "initialisedAt": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z",
    }


def _compact(body: dict[str, Any]) -> str:
    # The same bytes the TypeScript handler sends: no spaces after separators.
    return json.dumps(body, separators=(",", ":"))


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def create_handler(card: RateCard, environment: dict[str, str]) -> Handler:
    # Lives as long as the execution environment, so it shows how many requests one warm environment served.
    served = 0

    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        nonlocal served
        served += 1
        headers = {"content-type": "application/json", "x-init-type": environment["initType"]}
        served_by = {**environment, "requestNumber": served}
        query = event.get("queryStringParameters") or {}
        result = price_parcel(card, query.get("to"), query.get("weightKg"))
        if "problem" in result:
            return {"statusCode": 400, "headers": headers, "body": _compact({"message": result["problem"], "servedBy": served_by})}
        return {"statusCode": 200, "headers": headers, "body": _compact({**result, "servedBy": served_by})}

    return handle


# Everything below runs once per execution environment, during initialisation. With provisioned
# concurrency Lambda does it before any request arrives: importing this module, reading and compiling
# the rate card and reading the environment are already done when the first customer asks for a quote.
RATE_CARD = compile_rate_card(json.loads((Path(__file__).resolve().parent / "rate_card.json").read_text(encoding="utf-8")))
handler: Handler = create_handler(RATE_CARD, describe_environment(os.environ, datetime.now(timezone.utc)))
