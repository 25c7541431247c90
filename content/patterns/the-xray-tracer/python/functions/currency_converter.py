"""Converts each order's total to the reporting currency with a public exchange-rate API."""

from __future__ import annotations

import json
import logging
import math
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, Optional

from order import REPORTING_CURRENCY, order_from_message
from tracing import Trace, powertools_trace

logger = logging.getLogger()
logger.setLevel(logging.INFO)

RATE_TIMEOUT_S = 3.0

# Returns the rate, or None when the rates service does not know the currency.
FetchRate = Callable[[str, str], Optional[float]]
# GETs a URL within a timeout in seconds: the status and the body.
HttpGet = Callable[[str, float], tuple[int, bytes]]


def rate_url(base_url: str, from_currency: str, to_currency: str) -> str:
    return f"{base_url.rstrip('/')}/latest?{urllib.parse.urlencode({'base': from_currency, 'symbols': to_currency})}"


def convert(total: float, rate: float) -> float:
    # Half a cent rounds up, as a till does (Python's round() would round half to even).
    return math.floor(total * rate * 100 + 0.5) / 100


def http_get(url: str, timeout_s: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - a fixed https URL from the stack
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def frankfurter_rate(base_url: str, get: HttpGet = http_get) -> FetchRate:
    """Frankfurter's public API of European Central Bank reference rates; no key needed."""

    def fetch_rate(from_currency: str, to_currency: str) -> Optional[float]:
        status, body = get(rate_url(base_url, from_currency, to_currency), RATE_TIMEOUT_S)
        # A 4xx means "no such currency": retrying cannot help, so it is not an error.
        if 400 <= status < 500:
            return None
        if not 200 <= status < 300:
            raise RuntimeError(f"rates service answered {status}")
        rate = (json.loads(body).get("rates") or {}).get(to_currency)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
            raise RuntimeError(f"rates service sent no usable {from_currency}->{to_currency} rate")
        return float(rate)

    return fetch_rate


def create_handler(fetch_rate: FetchRate, trace: Trace) -> Callable[[dict[str, Any], Any], list[dict[str, Any]]]:
    def handle(event: dict[str, Any], _context: Any = None) -> list[dict[str, Any]]:
        conversions: list[dict[str, Any]] = []
        for record in event["Records"]:
            order = order_from_message(record["Sns"]["Message"])
            trace.annotate("orderId", order["orderId"])
            trace.annotate("currency", order["currency"])
            if order["currency"] == REPORTING_CURRENCY:
                rate: Optional[float] = 1
            else:
                rate = trace.span("### fetch exchange rate", lambda: fetch_rate(order["currency"], REPORTING_CURRENCY))
            trace.annotate("rateFound", rate is not None)
            conversion = {
                "orderId": order["orderId"],
                "total": order["total"],
                "currency": order["currency"],
                "rate": rate,
                "reportingTotal": None if rate is None else convert(order["total"], rate),
            }
            logger.info(json.dumps({"message": "order converted", "reportingCurrency": REPORTING_CURRENCY, **conversion}))
            conversions.append(conversion)
        return conversions

    return handle


_handler: Optional[Callable[[Any, Any], Any]] = None


def handler(event: dict[str, Any], context: Any) -> Any:
    global _handler
    if _handler is None:
        # The Tracer patches the standard library's HTTP client: the call shows up as a remote node on the trace map.
        xray = powertools_trace()
        _handler = xray.handler(create_handler(frankfurter_rate(os.environ.get("RATES_API_URL", "")), xray))
    return _handler(event, context)
