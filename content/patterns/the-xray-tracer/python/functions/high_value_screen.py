"""Screens high-value orders: watch, review or hold."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Literal, Optional, TypedDict

from order import HIGH_VALUE_THRESHOLD, REPORTING_CURRENCY, Order, order_from_message
from tracing import Trace, powertools_trace

logger = logging.getLogger()
logger.setLevel(logging.INFO)

Decision = Literal["watch", "review", "hold"]


class Screening(TypedDict):
    orderId: str
    decision: Decision
    reasons: list[str]


def screen(order: Order) -> Screening:
    """Very large orders score two, large ones one, a foreign currency one more: 0 watch, 1 review, 2+ hold."""
    score = 0
    reasons: list[str] = []
    if order["total"] >= 10 * HIGH_VALUE_THRESHOLD:
        score += 2
        reasons.append(f"total is at least {10 * HIGH_VALUE_THRESHOLD}")
    elif order["total"] >= 5 * HIGH_VALUE_THRESHOLD:
        score += 1
        reasons.append(f"total is at least {5 * HIGH_VALUE_THRESHOLD}")
    if order["currency"] != REPORTING_CURRENCY:
        score += 1
        reasons.append(f"paid in {order['currency']}, not {REPORTING_CURRENCY}")
    decision: Decision = "watch" if score == 0 else "review" if score == 1 else "hold"
    return {"orderId": order["orderId"], "decision": decision, "reasons": reasons}


def create_handler(trace: Trace) -> Callable[[dict[str, Any], Any], list[Screening]]:
    def handle(event: dict[str, Any], _context: Any = None) -> list[Screening]:
        results: list[Screening] = []
        for record in event["Records"]:
            order = order_from_message(record["Sns"]["Message"])
            # The SNS filter policy should only send high-value orders; check rather than trust.
            if order["total"] < HIGH_VALUE_THRESHOLD:
                logger.warning(json.dumps({"message": "below threshold, filter policy bypassed?", "orderId": order["orderId"]}))
                continue
            result = screen(order)
            trace.annotate("orderId", order["orderId"])
            trace.annotate("decision", result["decision"])
            if result["decision"] != "watch":
                logger.warning(json.dumps({"message": "order needs attention", **result}))
            results.append(result)
        return results

    return handle


_handler: Optional[Callable[[Any, Any], Any]] = None


def handler(event: dict[str, Any], context: Any) -> Any:
    global _handler
    if _handler is None:
        xray = powertools_trace()
        _handler = xray.handler(create_handler(xray))
    return _handler(event, context)
