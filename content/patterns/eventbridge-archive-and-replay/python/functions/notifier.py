"""Sends one order confirmation per live OrderPlaced event.

The rule already drops replays and in-store orders; the handler checks both again and raises, so a
wrong pattern shows up as an Errors alarm and an entry in NotifierDlq, never as a second e-mail.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from order_event import IN_STORE_CHANNEL, InvalidOrderEvent, parse_envelope, parse_order_placed

logger = logging.getLogger()
logger.setLevel(logging.INFO)


@dataclass(frozen=True)
class Confirmation:
    orderId: str  # noqa: N815 - the field names of the log line the page's Try it counts
    customerId: str  # noqa: N815
    totalCents: int  # noqa: N815
    currency: str


# Hands one confirmation to whatever sends customer e-mail; injected so tests can observe it.
SendConfirmation = Callable[[Confirmation], None]


class ReplayedEventRefused(RuntimeError):
    """A replayed event reached the notifier: the rule's pattern should have kept it out."""


def create_handler(send: SendConfirmation) -> Callable[[Mapping[str, Any], Any], None]:
    def handle(event: Mapping[str, Any], _context: Any = None) -> None:
        envelope = parse_envelope(dict(event))
        replay_name = envelope.get("replay-name")
        if replay_name is not None:
            raise ReplayedEventRefused(f"replayed event {envelope.get('id')} from replay {replay_name} reached the notifier")
        order = parse_order_placed(envelope.get("detail"))
        if order.channel == IN_STORE_CHANNEL:
            raise InvalidOrderEvent(f"order {order.order_id} is an in-store order")
        send(Confirmation(orderId=order.order_id, customerId=order.customer_id, totalCents=order.total_cents, currency=order.currency))

    return handle


def log_confirmation(confirmation: Confirmation) -> None:
    """Stands in for an e-mail service: one JSON log line per confirmation, which the page's Try it counts."""
    logger.info(json.dumps({"message": "order confirmation sent", **asdict(confirmation)}))


handler = create_handler(log_confirmation)
