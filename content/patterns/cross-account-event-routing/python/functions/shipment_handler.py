"""The consumer account's handler for shipped orders forwarded from the producer account."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from typing import Any

from shipped_order import DETAIL_TYPE, EVENT_SOURCE, InvalidShipment, parse_shipment

logger = logging.getLogger()
logger.setLevel(logging.INFO)

ACCOUNT_ID = re.compile(r"[0-9]{12}")


def receive_shipment(event: dict[str, Any], producer_account: str) -> dict[str, Any]:
    """Checks where an event came from and what it carries.

    The rule already filters on source, detail-type and account; checking again here
    catches a rule someone widened by hand.
    """
    if event.get("source") != EVENT_SOURCE or event.get("detail-type") != DETAIL_TYPE:
        raise InvalidShipment(f"unexpected event {event.get('source')} / {event.get('detail-type')}")
    if event.get("account") != producer_account:
        raise InvalidShipment(f"event from account {event.get('account')}, expected only {producer_account}")
    return {
        "message": "shipment received",
        "producerAccount": event["account"],
        "eventId": event.get("id"),
        **parse_shipment(event.get("detail")),
    }


def create_handler(producer_account: str | None, record: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        if not producer_account or not ACCOUNT_ID.fullmatch(producer_account):
            raise RuntimeError("PRODUCER_ACCOUNT must be a 12-digit account id")
        # A raise makes Lambda retry the event twice, then record it in FailedShipments.
        record(receive_shipment(event, producer_account))

    return handle


handler = create_handler(os.environ.get("PRODUCER_ACCOUNT"), lambda line: logger.info(json.dumps(line)))
