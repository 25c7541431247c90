"""Prices a cart with three feature flags read from the AppConfig Agent Lambda extension.

The flags are the new pricing engine for a share of customers, free shipping above a threshold and
a promotional banner. Every flag is written so that OFF is the long-standing behaviour, which is
what the function falls back to when the flags cannot be read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import urllib.request
from collections.abc import Callable
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

Flags = dict[str, dict[str, Any]]
FlagRead = tuple[Flags, str]
ReadFlags = Callable[[], FlagRead]

# What the function does when it cannot learn the flags: the behaviour from before any flag existed.
SAFE_DEFAULTS: Flags = {
    "newPricing": {"enabled": False},
    "freeShipping": {"enabled": False},
    "promoBanner": {"enabled": False},
}

FLAT_SHIPPING_CENTS = 499
MAX_CART_CENTS = 10_000_000
# A flag read that takes longer than this falls back to the defaults rather than hold up the quote.
FLAG_TIMEOUT_SECONDS = 1.0
# Searched for by the stack's metric filter; keep it in the warning line.
FALLBACK_MARKER = "FLAGS_FALLBACK"

_CUSTOMER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# The agent is on localhost: never send the call through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_percent(value: Any) -> bool:
    return _is_number(value) and 0 <= value <= 100


def _entry(raw: Any, name: str) -> dict[str, Any] | None:
    value = raw.get(name) if isinstance(raw, dict) else None
    return value if isinstance(value, dict) and value.get("enabled") is True else None


def parse_flags(raw: Any) -> Flags:
    """A flag counts as on only when it says enabled: true and carries usable attributes; anything else reads as off."""
    pricing = _entry(raw, "newPricing")
    shipping = _entry(raw, "freeShipping")
    banner = _entry(raw, "promoBanner")
    return {
        "newPricing": (
            {"enabled": True, "rolloutPercent": pricing["rolloutPercent"], "discountPercent": pricing["discountPercent"]}
            if pricing and _is_percent(pricing.get("rolloutPercent")) and _is_percent(pricing.get("discountPercent"))
            else {"enabled": False}
        ),
        "freeShipping": (
            {"enabled": True, "thresholdCents": shipping["thresholdCents"]}
            if shipping and _is_number(shipping.get("thresholdCents")) and shipping["thresholdCents"] >= 0
            else {"enabled": False}
        ),
        "promoBanner": (
            {"enabled": True, "message": banner["message"]}
            if banner and isinstance(banner.get("message"), str) and banner["message"]
            else {"enabled": False}
        ),
    }


def _fallback(reason: str) -> FlagRead:
    logger.warning("%s: feature flags unavailable, using safe defaults (%s)", FALLBACK_MARKER, reason)
    return SAFE_DEFAULTS, "defaults"


def agent_flags(url: str, timeout_seconds: float = FLAG_TIMEOUT_SECONDS) -> ReadFlags:
    """Reads every flag of the profile in one local call; the agent answers from its in-memory cache."""

    def read() -> FlagRead:
        try:
            with _OPENER.open(url, timeout=timeout_seconds) as response:
                return parse_flags(json.loads(response.read())), "appconfig"
        except Exception as error:  # noqa: BLE001 - any failure means the defaults
            return _fallback(repr(error))

    return read


def rollout_bucket(flag: str, customer_id: str) -> int:
    """A stable 0-99 bucket per customer and flag, so a customer stays in or out as the percentage grows."""
    digest = hashlib.sha256(f"{flag}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def price_cart(request: dict[str, Any], read: FlagRead) -> dict[str, Any]:
    flags, source = read
    pricing, shipping, banner = flags["newPricing"], flags["freeShipping"], flags["promoBanner"]
    in_rollout = bool(pricing["enabled"]) and rollout_bucket("newPricing", request["customerId"]) < pricing["rolloutPercent"]
    discount = math.floor(request["cartCents"] * pricing["discountPercent"] / 100) if in_rollout else 0
    subtotal = request["cartCents"] - discount
    shipping_cents = 0 if shipping["enabled"] and subtotal >= shipping["thresholdCents"] else FLAT_SHIPPING_CENTS
    return {
        "customerId": request["customerId"],
        "cartCents": request["cartCents"],
        "pricing": "new" if in_rollout else "classic",
        "discountCents": discount,
        "shippingCents": shipping_cents,
        "totalCents": subtotal + shipping_cents,
        "banner": banner["message"] if banner["enabled"] else None,
        "flags": source,
    }


def parse_request(event: Any) -> dict[str, Any] | str:
    """A caller's mistake is answered, not raised: a raised error would count in the alarm that rolls flags back."""
    e = event if isinstance(event, dict) else {}
    customer_id, cart = e.get("customerId"), e.get("cartCents")
    if not isinstance(customer_id, str) or not _CUSTOMER_ID.match(customer_id):
        return "customerId must be 1 to 64 letters, digits, underscores or hyphens"
    if not _is_number(cart) or not float(cart).is_integer() or not 0 <= cart <= MAX_CART_CENTS:
        return f"cartCents must be a whole number from 0 to {MAX_CART_CENTS}"
    return {"customerId": customer_id, "cartCents": int(cart)}


def create_handler(read_flags: ReadFlags) -> Callable[[Any, Any], dict[str, Any]]:
    def handle(event: Any, _context: Any = None) -> dict[str, Any]:
        request = parse_request(event)
        if isinstance(request, str):
            return {"ok": False, "error": request}
        return {"ok": True, **price_cart(request, read_flags())}

    return handle


handler = create_handler(agent_flags(os.environ.get("FLAGS_URL", "")))
