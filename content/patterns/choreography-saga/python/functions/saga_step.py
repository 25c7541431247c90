"""What every service does with an event: write first, publish second, and stay safe to repeat.

If the publish fails the handler raises, Lambda retries, and the retry finds the state written and
publishes from it. Every published event can therefore arrive more than once, which is why each write
is conditional and each reaction below is safe to repeat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from contract import UnknownOrder
from publisher import Publish
from saga_table import Item, SagaTable

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The event a service publishes about its item in a given state.
Announce = Callable[[Item], tuple[str, dict[str, Any]]]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    # The same shape as JavaScript's toISOString(), so both languages write identical timestamps.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class SagaStep:
    """One service's reactions; each returns an outcome, logged for operators and returned for tests."""

    def __init__(self, service: str, table: SagaTable, publish: Publish, announce: Announce, now: Callable[[], datetime] = utc_now) -> None:
        self.service = service
        self._table = table
        self._publish = publish
        self._announce = announce
        self._now = now

    def now(self) -> str:
        return iso(self._now())

    def _log(self, outcome: dict[str, Any]) -> dict[str, Any]:
        level = logging.WARNING if outcome["action"] == "ignored" else logging.INFO
        logger.log(level, json.dumps({"message": f"event {outcome['action']}", **outcome}))
        return outcome

    def _publish_from(self, item: Item, event: str, action: str) -> dict[str, Any]:
        detail_type, detail = self._announce(item)
        self._publish(detail_type, detail)
        return self._log(
            {"service": self.service, "orderId": item["orderId"], "event": event, "action": action, "status": item["status"], "published": detail_type}
        )

    def _already_there(self, existing: Item, event: str, produced_by: tuple[str, ...]) -> dict[str, Any]:
        # A redelivery, or an event that arrives after the saga moved on. If the item is still in a state
        # this very event produces, the earlier attempt may have stopped before publishing, so publish
        # again; otherwise a later event already moved it, so the earlier publish evidently went out.
        if existing["status"] in produced_by:
            return self._publish_from(existing, event, "republished")
        return self._log({"service": self.service, "orderId": existing["orderId"], "event": event, "action": "ignored", "status": existing["status"]})

    def start(self, event: str, item: Item, produced_by: tuple[str, ...]) -> dict[str, Any]:
        """The service's first write for an order: create the item in item["status"], then announce it."""
        result = self._table.create(item)
        if result.written:
            return self._publish_from(item, event, "advanced")
        if result.existing is None:
            raise RuntimeError("DynamoDB refused the write but returned no stored item")
        return self._already_there(result.existing, event, produced_by)

    def advance(self, event: str, order_id: str, from_state: str, to_state: str, changes: dict[str, Any]) -> dict[str, Any]:
        """A later step or a compensation: move the item from from_state to to_state, then announce it."""
        result = self._table.move(order_id, from_state, to_state, changes)
        if result.moved:
            if result.item is None:
                raise RuntimeError("DynamoDB returned no attributes for the update")
            return self._publish_from(result.item, event, "advanced")
        if result.existing is None:
            raise UnknownOrder(f"{self.service} has no record of order {order_id} (event {event})")
        return self._already_there(result.existing, event, (to_state,))
