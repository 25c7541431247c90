"""What every travel provider does: reserve a booking, or undo it, safely under retries and late calls."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Optional, Protocol, TypedDict

from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(logging.INFO)


class ProviderRefused(Exception):
    """A provider said no. Not retried: the saga compensates instead."""


class AlreadyUndone(Exception):
    """A late, retried reservation arrived after the saga had already undone it."""


class BookingRecord(TypedDict):
    tripId: str
    step: str
    status: str
    reference: str
    priceCents: int
    updatedAt: str


class BookingStore(Protocol):
    """The two writes a service makes; the DynamoDB version is below, tests use a dict."""

    def reserve(self, record: BookingRecord) -> bool:
        """Writes the booking if there is no item yet or it is already booked (a retry); False if it was undone."""
        ...

    def undo(self, trip_id: str, step: str, undone_status: str, updated_at: str) -> bool:
        """Puts the item in the undone state, leaving a marker without a reference when there was nothing,
        so a reservation arriving later is refused. True if a real booking was undone."""
        ...


@dataclass(frozen=True)
class ServiceConfig:
    step: str
    # Three letters in front of the provider's reference, e.g. HTL-1A2B3C.
    prefix: str
    done_status: str
    undone_status: str
    price_cents: Callable[[dict[str, Any]], int]


def reference_for(prefix: str, trip_id: str) -> str:
    """Derived, not random, so a retried reservation writes the same reference again."""
    return f"{prefix}-{hashlib.sha256(f'{prefix}:{trip_id}'.encode()).hexdigest()[:6].upper()}"


def iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def create_service_handler(config: ServiceConfig, store: BookingStore, now: Callable[[], str] = iso_now) -> Handler:
    sort_key = config.step.upper()

    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        trip = event.get("trip") or {}
        trip_id = trip.get("tripId") if isinstance(trip, dict) else None
        if not isinstance(trip_id, str) or not trip_id:
            raise ValueError("event.trip.tripId is required")
        action = event.get("action")

        def log(message: str, **extra: Any) -> None:
            logger.info(message, extra={"step": config.step, "action": action, "tripId": trip_id, **extra})

        if action == "cancel":
            undone = store.undo(trip_id, sort_key, config.undone_status, now())
            log("booking undone" if undone else "nothing to undo")
            # Undoing something that never happened is a success: compensations must be safe to repeat.
            return {"step": config.step, "status": config.undone_status if undone else "NOTHING_TO_UNDO"}
        if action != "reserve":
            raise ValueError(f"unknown action {json.dumps(action)}")

        if trip.get("failAt") == config.step:
            log("provider refused on request", failAt=trip["failAt"])
            raise ProviderRefused(f"The {config.step} provider refused trip {trip_id} (failAt={config.step}).")
        price_cents = config.price_cents(event)
        reference = reference_for(config.prefix, trip_id)
        written = store.reserve(
            {
                "tripId": trip_id,
                "step": sort_key,
                "status": config.done_status,
                "reference": reference,
                "priceCents": price_cents,
                "updatedAt": now(),
            }
        )
        if not written:
            raise AlreadyUndone(f"The {config.step} booking for trip {trip_id} was already undone.")
        log("booked", reference=reference, priceCents=price_cents)
        return {"step": config.step, "status": config.done_status, "reference": reference, "priceCents": price_cents}

    return handle


class DynamoBookingStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table_name = table_name

    def reserve(self, record: BookingRecord) -> bool:
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item={
                    "tripId": {"S": record["tripId"]},
                    "step": {"S": record["step"]},
                    "status": {"S": record["status"]},
                    "reference": {"S": record["reference"]},
                    "priceCents": {"N": str(record["priceCents"])},
                    "updatedAt": {"S": record["updatedAt"]},
                },
                # A first write, or a retry of the same booking. An undone booking, or the marker an undo
                # leaves when it ran before this reservation, makes the write fail.
                ConditionExpression="attribute_not_exists(tripId) OR #status = :done",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":done": {"S": record["status"]}},
            )
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise

    def undo(self, trip_id: str, step: str, undone_status: str, updated_at: str) -> bool:
        # No condition: when the booking is not there (refused, or still in flight after a timeout)
        # the update creates a marker item, which the reservation's condition will not overwrite.
        result = self._client.update_item(
            TableName=self._table_name,
            Key={"tripId": {"S": trip_id}, "step": {"S": step}},
            UpdateExpression="SET #status = :undone, updatedAt = :now",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":undone": {"S": undone_status}, ":now": {"S": updated_at}},
            ReturnValues="ALL_OLD",
        )
        # Only an item with a reference was a real booking; a marker from an earlier undo is not.
        return "reference" in ((result or {}).get("Attributes") or {})


def lambda_handler_for(config: ServiceConfig) -> Handler:
    """The Lambda entry point for one provider; the DynamoDB client is made on the first call and then reused."""
    built: Optional[Handler] = None

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        nonlocal built
        if built is None:
            import os

            import boto3

            built = create_service_handler(config, DynamoBookingStore(boto3.client("dynamodb"), os.environ["BOOKINGS_TABLE_NAME"]))
        return built(event, context)

    return handler
