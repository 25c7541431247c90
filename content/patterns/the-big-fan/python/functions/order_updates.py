"""Consumer of the OrderUpdates queue: every status except a new order."""

from __future__ import annotations

import logging

from order_events import OrderEvent, create_consumer

logger = logging.getLogger()


def accepts_update(status: str) -> bool:
    """Mirrors the anything-but filter: every status except a new order lands here."""
    return status != "created"


def apply_status_change(order: OrderEvent, message_id: str) -> None:
    """Stand-in for the real work on a status change (update the order record, notify the customer)."""
    logger.info("order status changed", extra={"orderId": order.order_id, "status": order.status, "snsMessageId": message_id})


handler = create_consumer("order-updates", accepts_update, apply_status_change)
