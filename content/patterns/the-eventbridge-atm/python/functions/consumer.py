"""One handler file serves all four consumers.

Each runs as its own function with its own rule, and CONSUMER_KIND says which job it stands in for.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from transaction import DETAIL_TYPE, EVENT_SOURCE, InvalidTransaction, parse_transaction

logger = logging.getLogger()
logger.setLevel(logging.INFO)

DUTIES = {
    "approved": "post to the ledger",
    "new-york": "add to the New York branch report",
    "declined": "notify the cardholder",
    "large-withdrawal": "queue for fraud review",
}


def is_consumer_kind(value: str | None) -> bool:
    return value is not None and value in DUTIES


def summarise(kind: str, event: dict[str, Any]) -> dict[str, Any]:
    """What a consumer records for one event; raises when the event is not a valid ATM transaction."""
    # The rules already match on these; checking again catches events put on the bus by hand.
    if event.get("source") != EVENT_SOURCE or event.get("detail-type") != DETAIL_TYPE:
        raise InvalidTransaction(f"unexpected event {event.get('source')} / {event.get('detail-type')}")
    transaction = parse_transaction(event.get("detail"))
    return {"level": "INFO", "message": DUTIES[kind], "consumer": kind, "eventId": event.get("id"), **transaction}


def create_handler(kind: str, record: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        # A raise makes Lambda retry the event, then hand it to the on-failure destination.
        record(summarise(kind, event))

    return handle


def handler(event: dict[str, Any], context: Any) -> None:
    kind = os.environ.get("CONSUMER_KIND")
    if not is_consumer_kind(kind):
        raise RuntimeError(f"CONSUMER_KIND must be one of {', '.join(DUTIES)}")
    create_handler(str(kind), lambda line: logger.info(json.dumps(line)))(event, context)
