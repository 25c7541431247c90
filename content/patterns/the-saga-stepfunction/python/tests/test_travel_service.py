import re
from typing import Any, Callable, Optional

import pytest
from botocore.exceptions import ClientError

from functions.travel.services import CAR_DAY_CENTS, FLIGHT_CENTS, HOTEL_NIGHT_CENTS, car, flight, hotel, payment
from functions.travel.travel_service import (
    AlreadyUndone,
    BookingRecord,
    DynamoBookingStore,
    ProviderRefused,
    ServiceConfig,
    create_service_handler,
    reference_for,
)

NOW = "2026-11-22T10:00:00.000Z"
TRIP = {"tripId": "trip-1", "traveller": "Aoife O'Brien", "destination": "Lisbon", "nights": 3}


class MemoryStore:
    """Behaves like DynamoBookingStore, conditions included, without AWS."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def reserve(self, record: BookingRecord) -> bool:
        key = f"{record['tripId']}/{record['step']}"
        # attribute_not_exists(tripId) OR #status = :done
        existing = self.items.get(key)
        if existing is not None and existing["status"] != record["status"]:
            return False
        self.items[key] = dict(record)
        return True

    def undo(self, trip_id: str, step: str, undone_status: str, updated_at: str) -> bool:
        # SET #status = :undone (creating the item when missing), ReturnValues ALL_OLD
        key = f"{trip_id}/{step}"
        existing = self.items.get(key)
        self.items[key] = {**(existing or {"tripId": trip_id, "step": step}), "status": undone_status, "updatedAt": updated_at}
        return existing is not None and "reference" in existing

    def status_of(self, step: str) -> Optional[str]:
        item = self.items.get(f"trip-1/{step}")
        return item["status"] if item else None


def service(config: ServiceConfig, store: MemoryStore) -> Callable[..., dict[str, Any]]:
    return create_service_handler(config, store, lambda: NOW)


def test_book_a_hotel_priced_per_night_with_a_reference_derived_from_the_trip_id() -> None:
    store = MemoryStore()
    result = service(hotel, store)({"action": "reserve", "trip": TRIP})
    assert result == {"step": "hotel", "status": "BOOKED", "reference": reference_for("HTL", "trip-1"), "priceCents": 3 * HOTEL_NIGHT_CENTS}
    assert store.items["trip-1/HOTEL"] == {
        "tripId": "trip-1",
        "step": "HOTEL",
        "status": "BOOKED",
        "reference": reference_for("HTL", "trip-1"),
        "priceCents": 36_000,
        "updatedAt": "2026-11-22T10:00:00.000Z",
    }
    assert re.fullmatch(r"HTL-[0-9A-F]{6}", reference_for("HTL", "trip-1"))
    assert reference_for("HTL", "trip-1") != reference_for("HTL", "trip-2")


def test_price_the_flight_flat_and_the_car_per_day_including_the_return_day() -> None:
    store = MemoryStore()
    assert service(flight, store)({"action": "reserve", "trip": TRIP})["priceCents"] == FLIGHT_CENTS
    assert service(car, store)({"action": "reserve", "trip": TRIP})["priceCents"] == 4 * CAR_DAY_CENTS


def test_refuse_with_a_provider_refused_error_writing_nothing_when_fail_at_names_this_step() -> None:
    store = MemoryStore()
    handler = service(flight, store)
    with pytest.raises(ProviderRefused, match="flight provider refused trip trip-1"):
        handler({"action": "reserve", "trip": {**TRIP, "failAt": "flight"}})
    assert store.items == {}
    # Another step's failAt does not concern this provider.
    handler({"action": "reserve", "trip": {**TRIP, "failAt": "car"}})
    assert len(store.items) == 1


def test_charge_exactly_the_amount_the_workflow_summed_and_insist_on_one() -> None:
    store = MemoryStore()
    handler = service(payment, store)
    assert handler({"action": "reserve", "trip": TRIP, "amountCents": 79_500})["priceCents"] == 79_500
    assert store.status_of("PAYMENT") == "CHARGED"
    for amount in (None, 0, -5, 12.5, True, "100"):
        with pytest.raises(ValueError, match="positive whole amountCents"):
            handler({"action": "reserve", "trip": TRIP, "amountCents": amount})


def test_reject_events_without_a_trip_id_or_with_an_unknown_action() -> None:
    handler = service(hotel, MemoryStore())
    with pytest.raises(ValueError, match="tripId is required"):
        handler({"action": "reserve", "trip": {**TRIP, "tripId": ""}})
    with pytest.raises(ValueError, match='unknown action "rebook"'):
        handler({"action": "rebook", "trip": TRIP})


def test_undo_finished_bookings_in_reverse_order_treat_missing_ones_as_done_and_refuse_a_late_re_booking() -> None:
    store = MemoryStore()
    failing = {**TRIP, "failAt": "car"}

    def run(config: ServiceConfig, action: str) -> dict[str, Any]:
        return service(config, store)({"action": action, "trip": failing})

    run(hotel, "reserve")
    run(flight, "reserve")
    with pytest.raises(ProviderRefused):
        run(car, "reserve")

    # The saga's compensation path from the car step: car, flight, hotel.
    assert run(car, "cancel") == {"step": "car", "status": "NOTHING_TO_UNDO"}
    assert run(flight, "cancel") == {"step": "flight", "status": "CANCELLED"}
    assert run(hotel, "cancel") == {"step": "hotel", "status": "CANCELLED"}
    # The refused car leaves only a marker: cancelled, no reference, no price.
    assert [store.status_of(s) for s in ("HOTEL", "FLIGHT", "CAR")] == ["CANCELLED", "CANCELLED", "CANCELLED"]
    assert "reference" not in store.items["trip-1/CAR"]

    # Running a compensation twice changes nothing.
    assert run(hotel, "cancel") == {"step": "hotel", "status": "CANCELLED"}
    # A slow, retried reservation must not bring the undone hotel back.
    with pytest.raises(AlreadyUndone):
        run(hotel, "reserve")
    assert store.status_of("HOTEL") == "CANCELLED"


def test_refuse_a_reservation_that_arrives_after_its_undo_ran_on_a_booking_that_was_never_written() -> None:
    store = MemoryStore()
    # The reservation timed out in the workflow but is still running; the saga undoes it first.
    assert service(car, store)({"action": "cancel", "trip": TRIP}) == {"step": "car", "status": "NOTHING_TO_UNDO"}
    with pytest.raises(AlreadyUndone):
        service(car, store)({"action": "reserve", "trip": TRIP})
    assert store.status_of("CAR") == "CANCELLED"
    assert "reference" not in store.items["trip-1/CAR"]
    # The same holds for a late charge: the refund marker stops it.
    service(payment, store)({"action": "cancel", "trip": TRIP})
    with pytest.raises(AlreadyUndone):
        service(payment, store)({"action": "reserve", "trip": TRIP, "amountCents": 100})
    assert store.status_of("PAYMENT") == "REFUNDED"


@pytest.mark.parametrize("order", [("reserve", "reserve", "cancel"), ("reserve", "cancel", "reserve"), ("cancel", "reserve", "reserve")])
def test_leave_every_booking_undone_once_its_undo_has_run_whatever_order_retries_and_late_calls_arrive_in(order: tuple[str, ...]) -> None:
    # Two copies of the reservation (the original, still running, and a retry) and one undo, in every order.
    store = MemoryStore()
    handler = service(hotel, store)
    cancelled = False
    for action in order:
        try:
            handler({"action": action, "trip": TRIP})
        except AlreadyUndone:
            assert cancelled, "only an undone booking refuses a reservation"
        cancelled = cancelled or action == "cancel"
        if cancelled:
            assert store.status_of("HOTEL") == "CANCELLED", f"after {', '.join(order)}"


def test_refund_a_payment_as_refunded() -> None:
    handler = service(payment, MemoryStore())
    handler({"action": "reserve", "trip": TRIP, "amountCents": 100})
    assert handler({"action": "cancel", "trip": TRIP}) == {"step": "payment", "status": "REFUNDED"}


class FakeDynamoDB:
    def __init__(self, outcome: Callable[[], dict[str, Any]]) -> None:
        self.outcome = outcome
        self.sent: list[dict[str, Any]] = []

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return self.outcome()

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return self.outcome()


def raising(code: str) -> Callable[[], dict[str, Any]]:
    def outcome() -> dict[str, Any]:
        raise ClientError({"Error": {"Code": code, "Message": code}}, "PutItem")

    return outcome


RECORD: BookingRecord = {"tripId": "t", "step": "HOTEL", "status": "BOOKED", "reference": "HTL-1", "priceCents": 5, "updatedAt": "now"}


def test_reserves_with_a_put_item_that_only_creates_the_item_or_repeats_the_same_booking() -> None:
    client = FakeDynamoDB(dict)
    assert DynamoBookingStore(client, "Bookings").reserve(RECORD) is True
    sent = client.sent[0]
    assert sent["TableName"] == "Bookings"
    assert sent["Item"]["priceCents"] == {"N": "5"}
    assert sent["ConditionExpression"] == "attribute_not_exists(tripId) OR #status = :done"
    assert sent["ExpressionAttributeNames"] == {"#status": "status"}
    assert sent["ExpressionAttributeValues"] == {":done": {"S": "BOOKED"}}


def test_undoes_with_an_unconditional_update_item_that_leaves_a_marker_where_nothing_was_booked() -> None:
    client = FakeDynamoDB(dict)
    # Nothing there before: the update created the marker, and nothing was undone.
    assert DynamoBookingStore(client, "Bookings").undo("t", "CAR", "CANCELLED", "now") is False
    sent = client.sent[0]
    assert sent["Key"] == {"tripId": {"S": "t"}, "step": {"S": "CAR"}}
    assert "ConditionExpression" not in sent
    assert sent["UpdateExpression"] == "SET #status = :undone, updatedAt = :now"
    assert sent["ReturnValues"] == "ALL_OLD"
    booked = FakeDynamoDB(lambda: {"Attributes": {"status": {"S": "BOOKED"}, "reference": {"S": "CAR-1"}}})
    assert DynamoBookingStore(booked, "Bookings").undo("t", "CAR", "CANCELLED", "now") is True
    marker = FakeDynamoDB(lambda: {"Attributes": {"status": {"S": "CANCELLED"}}})
    assert DynamoBookingStore(marker, "Bookings").undo("t", "CAR", "CANCELLED", "now") is False


def test_turns_a_failed_condition_into_false_and_lets_any_other_error_through() -> None:
    assert DynamoBookingStore(FakeDynamoDB(raising("ConditionalCheckFailedException")), "Bookings").reserve(RECORD) is False
    broken = DynamoBookingStore(FakeDynamoDB(raising("ThrottlingException")), "Bookings")
    with pytest.raises(ClientError, match="ThrottlingException"):
        broken.reserve(RECORD)
    with pytest.raises(ClientError, match="ThrottlingException"):
        broken.undo("t", "CAR", "CANCELLED", "now")
