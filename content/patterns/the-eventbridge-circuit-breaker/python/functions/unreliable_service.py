"""A stand-in for a flaky third-party API, so the demo needs nothing outside the stack."""

from __future__ import annotations

import json
import os
import random as random_module
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Optional

Behaviour = Literal["succeed", "fail", "stall"]


@dataclass(frozen=True)
class UnreliableConfig:
    # Share of calls, 0 to 1, that go wrong; half of those fail at once, half stall.
    failure_rate: float
    stall_ms: int


def choose_behaviour(fail: Optional[str], failure_rate: float, random: Callable[[], float]) -> Behaviour:
    """`fail=true|slow|false` forces an outcome, so a demo does not depend on luck."""
    if fail == "true":
        return "fail"
    if fail == "slow":
        return "stall"
    if fail == "false":
        return "succeed"
    roll = random()
    if roll < failure_rate / 2:
        return "fail"
    if roll < failure_rate:
        return "stall"
    return "succeed"


def create_handler(
    config: UnreliableConfig,
    random: Callable[[], float] = random_module.random,
    sleep: Callable[[float], None] = time.sleep,
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        behaviour = choose_behaviour((event.get("queryStringParameters") or {}).get("fail"), config.failure_rate, random)
        headers = {"content-type": "application/json"}
        if behaviour == "fail":
            return {"statusCode": 503, "headers": headers, "body": json.dumps({"message": "The unreliable service is having a bad moment."})}
        # Stalling is the expensive kind of failure: callers wait, and pay, until their timeout.
        if behaviour == "stall":
            sleep(config.stall_ms / 1000)
        return {"statusCode": 200, "headers": headers, "body": json.dumps({"message": "The unreliable service answered.", "behaviour": behaviour})}

    return handle


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    config = UnreliableConfig(failure_rate=float(os.environ.get("FAILURE_RATE", "0.5")), stall_ms=int(os.environ.get("STALL_MS", "4000")))
    return create_handler(config)(event, context)
