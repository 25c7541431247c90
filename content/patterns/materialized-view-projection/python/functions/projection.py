"""Moving one order's view forward, shared by the stream projector and the rebuild. Both call `advance`
with the events they happen to hold (a stream batch, a scan page); it reads the view, fills any gap from
the event table, folds with `evolve` and writes with a condition on the version it read. Whichever path
gets there first wins; the other finds the work done."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional, Protocol

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from orders import ProjectionError, View, evolve, parse_event, version_of

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

# How often `advance` re-reads after losing a conditional write to the other path before giving up for now.
MAX_ATTEMPTS = 3

# Events per rebuild scan page. Without a limit a page is 1 MB, thousands of small events and as many
# orders to advance one after another, which could outrun the time the rebuild keeps in reserve.
SCAN_PAGE_LIMIT = 500


def _plain(value: Any) -> Any:
    """boto3 reads every number as Decimal; the fold works on ints (no fractional numbers are stored)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_item(value: Mapping[str, Any]) -> dict[str, Any]:
    """A plain dict in DynamoDB's wire format, leaving out absent (None) attributes."""
    return {k: _serializer.serialize(v) for k, v in value.items() if v is not None}


def from_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}


class Views(Protocol):
    """The view table, as the fold needs it."""

    def load(self, order_id: str) -> Optional[View]: ...

    def save(self, view: View, expected_version: int) -> bool: ...


class EventLog(Protocol):
    """The event table, read only."""

    def history(self, order_id: str, after_version: int, up_to_version: int) -> list[dict[str, Any]]: ...

    def page(
        self, segment: int, total_segments: int, start_key: Optional[Mapping[str, Any]] = None
    ) -> tuple[list[dict[str, Any]], Optional[dict[str, Any]]]: ...


class StuckAt(Exception):
    """The event at `version` could not be applied; the view now reflects every event before it."""

    def __init__(self, order_id: str, version: int, reason: str) -> None:
        super().__init__(f"{order_id} is stuck at version {version}: {reason}")
        self.order_id = order_id
        self.version = version
        self.reason = reason


@dataclass(frozen=True)
class Advanced:
    order_id: str
    # Version of the view before and after; equal when everything offered was already applied.
    from_version: int
    to_version: int


def advance(views: Views, log: EventLog, order_id: str, known: Sequence[Mapping[str, Any]]) -> Advanced:
    """Brings the view of one order up to the highest version among `known` (deserialized event items of
    that order, any order, duplicates allowed). Versions at or below the view's are ignored; versions
    missing from `known` are read from the event table. A bad event stops the fold just before it: the
    events before it are still written, then StuckAt is raised."""
    target = max(version_of(item) for item in known)
    for _attempt in range(MAX_ATTEMPTS):
        current = views.load(order_id)
        start = current["lastVersion"] if current else 0
        if target <= start:
            return Advanced(order_id, start, start)

        pending = {version_of(item): item for item in known if version_of(item) > start}
        if len(pending) < target - start:
            # A gap: an earlier event is in another batch, another shard, another scan page, or older than
            # the stream's 24 hours. The event table has it.
            for item in log.history(order_id, start, target):
                pending[version_of(item)] = item

        view = current
        stuck: Optional[StuckAt] = None
        for version in range(start + 1, target + 1):
            try:
                item = pending.get(version)
                if item is None:
                    raise ProjectionError(f"version {version} is missing from the event table")
                view = evolve(view, parse_event(item))
            except Exception as error:  # noqa: BLE001 - any failure stops the fold at this version
                stuck = StuckAt(order_id, version, str(error))
                break
        if view is not current and view is not None and not views.save(view, start):
            continue  # lost the race: look again
        if stuck:
            raise stuck
        return Advanced(order_id, start, view["lastVersion"] if view else start)
    raise RuntimeError(f"the view of {order_id} kept moving under {MAX_ATTEMPTS} attempts; retry later")


class DynamoViews:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def load(self, order_id: str) -> Optional[View]:
        # Strongly consistent, so the condition below is checked against what was read.
        item = self._client.get_item(TableName=self._table, Key={"orderId": {"S": order_id}}, ConsistentRead=True).get("Item")
        return from_item(item) if item else None

    def save(self, view: View, expected_version: int) -> bool:
        # The heart of the pattern: a write from a stale read, a duplicate or a slower path is refused.
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(orderId)"}
            if expected_version == 0
            else {"ConditionExpression": "lastVersion = :expected", "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}}}
        )
        try:
            self._client.put_item(TableName=self._table, Item=to_item(view), **condition)
            return True
        except Exception as error:
            if getattr(error, "response", {}).get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise


class DynamoEventLog:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def history(self, order_id: str, after_version: int, up_to_version: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        start_key: Optional[dict[str, Any]] = None
        while True:
            page = self._client.query(
                TableName=self._table,
                KeyConditionExpression="aggregateId = :id AND version BETWEEN :from AND :to",
                ExpressionAttributeValues={":id": {"S": order_id}, ":from": {"N": str(after_version + 1)}, ":to": {"N": str(up_to_version)}},
                # The stream only ever carries events that are already stored, so a consistent read finds every earlier one.
                ConsistentRead=True,
                **({"ExclusiveStartKey": start_key} if start_key else {}),
            )
            items.extend(from_item(item) for item in page.get("Items", []))
            start_key = page.get("LastEvaluatedKey")
            if not start_key:
                return items

    def page(
        self, segment: int, total_segments: int, start_key: Optional[Mapping[str, Any]] = None
    ) -> tuple[list[dict[str, Any]], Optional[dict[str, Any]]]:
        page = self._client.scan(
            TableName=self._table,
            Segment=segment,
            TotalSegments=total_segments,
            ConsistentRead=True,
            Limit=SCAN_PAGE_LIMIT,
            **({"ExclusiveStartKey": to_item(start_key)} if start_key else {}),
        )
        last = page.get("LastEvaluatedKey")
        return [from_item(item) for item in page.get("Items", [])], (from_item(last) if last else None)
