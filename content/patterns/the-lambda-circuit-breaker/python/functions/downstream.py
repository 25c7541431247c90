"""A stand-in for a flaky recommendation service, so the demo needs nothing outside the stack."""

from __future__ import annotations

import json
import os
import random as random_module
import time
from collections.abc import Callable
from typing import Any, Literal, Optional

Outcome = Literal["ok", "error", "slow"]

RECOMMENDATIONS = ["Trail running shoes", "Insulated bottle", "Headlamp", "Merino socks"]


def pick_outcome(fail: Optional[str], failure_rate: float, random: Callable[[], float]) -> Outcome:
    """`fail=true` always errors, `fail=slow` always stalls, `fail=false` always works; otherwise roll the dice."""
    if fail == "true":
        return "error"
    if fail == "slow":
        return "slow"
    if fail == "false":
        return "ok"
    return "error" if random() < failure_rate else "ok"


def create_handler(
    failure_rate: float,
    stall_ms: int,
    random: Callable[[], float] = random_module.random,
    sleep: Callable[[float], None] = time.sleep,
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        outcome = pick_outcome((event.get("queryStringParameters") or {}).get("fail"), failure_rate, random)
        headers = {"content-type": "application/json"}
        if outcome == "error":
            return {"statusCode": 500, "headers": headers, "body": json.dumps({"message": "The recommendation engine fell over."})}
        if outcome == "slow":
            sleep(stall_ms / 1000)
        # Personalised in a real service; a fixed list is enough to tell it apart from the fallback.
        return {"statusCode": 200, "headers": headers, "body": json.dumps({"recommendations": RECOMMENDATIONS})}

    return handle


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return create_handler(float(os.environ.get("FAILURE_RATE", "0.5")), int(os.environ.get("STALL_MS", "5000")))(event, context)
