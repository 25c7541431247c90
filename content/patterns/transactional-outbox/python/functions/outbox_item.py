"""The shape of one outbox item, shared by the writer that creates it and the relay that publishes it.

The event travels as a finished JSON string, so the relay never rebuilds it.
"""

from __future__ import annotations

from typing import TypedDict

# The `source` of every event this service publishes.
EVENT_SOURCE = "outbox.orders"

# How long a published outbox item stays in the table, as a record to re-publish from.
OUTBOX_RETENTION_DAYS = 7


class OutboxItem(TypedDict):
    eventId: str  # unique per event; published as detail.eventId so consumers can deduplicate
    aggregateId: str  # the order the event is about
    version: int  # the order's version after this change, so consumers can order one order's events
    source: str
    eventType: str
    detail: str  # the EventBridge detail, already serialised
    occurredAt: str  # ISO-8601 time of the change; becomes the event's time
    expiresAt: int  # epoch seconds after which DynamoDB TTL removes the item
