"""Consumer of the CreatedOrders queue: brand-new orders only."""

from __future__ import annotations

import logging

from order_events import OrderEvent, create_consumer

logger = logging.getLogger()


def accepts_created(status: str) -> bool:
    """Mirrors the subscription filter: this queue only ever holds brand-new orders."""
    return status == "created"


def record_new_order(order: OrderEvent, message_id: str) -> None:
    """Stand-in for the real work on a new order (reserve stock, send a confirmation)."""
    logger.info("new order accepted", extra={"orderId": order.order_id, "total": order.total, "snsMessageId": message_id})


handler = create_consumer("created-orders", accepts_created, record_new_order)
