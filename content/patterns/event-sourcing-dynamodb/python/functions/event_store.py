"""Reads and appends versioned events and snapshots in DynamoDB; the client is passed in, so tests can fake it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from botocore.exceptions import ClientError

from domain import EVENT_SCHEMA_VERSION, INITIAL_STATE, AccountState, Event, evolve, upcast


class ConcurrencyConflict(Exception):
    """Another writer appended at the version this command expected to write first."""

    def __init__(self, version: int) -> None:
        super().__init__(f"Version {version} is already taken.")
        self.version = version


@dataclass(frozen=True)
class EventStoreConfig:
    events_table: str
    snapshots_table: str


@dataclass(frozen=True)
class LoadedAggregate:
    state: AccountState
    version: int
    snapshot_version: int
    events_replayed: int


def load_aggregate(client: Any, config: EventStoreConfig, aggregate_id: str, as_of: int | None = None) -> LoadedAggregate:
    """Returns the state after the latest snapshot at or below as_of, plus every later event up to as_of."""
    snapshot = client.get_item(TableName=config.snapshots_table, Key={"aggregateId": {"S": aggregate_id}}, ConsistentRead=True).get("Item")
    state = INITIAL_STATE
    snapshot_version = 0
    # A snapshot newer than the requested point in time is of no use: replay from the start.
    if snapshot and (as_of is None or int(snapshot["version"]["N"]) <= as_of):
        state = AccountState(**json.loads(snapshot["state"]["S"]))
        snapshot_version = int(snapshot["version"]["N"])
    version = snapshot_version
    events_replayed = 0
    values: dict[str, Any] = {":id": {"S": aggregate_id}}
    if as_of is None:
        condition = "aggregateId = :id AND version > :from"
        values[":from"] = {"N": str(snapshot_version)}
    else:
        # BETWEEN is inclusive, so start one after the snapshot.
        condition = "aggregateId = :id AND version BETWEEN :from AND :to"
        values.update({":from": {"N": str(snapshot_version + 1)}, ":to": {"N": str(as_of)}})
    # Read your own writes: a command must see the event appended a moment ago.
    request: dict[str, Any] = {"TableName": config.events_table, "KeyConditionExpression": condition, "ExpressionAttributeValues": values, "ConsistentRead": True}
    while True:
        page = client.query(**request)
        for item in page.get("Items", []):
            state = evolve(state, upcast_item(item))
            version = int(item["version"]["N"])
            events_replayed += 1
        if not page.get("LastEvaluatedKey"):
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return LoadedAggregate(state=state, version=version, snapshot_version=snapshot_version, events_replayed=events_replayed)


def upcast_item(item: dict[str, Any]) -> Event:
    """A stored event item in the current event shape."""
    return upcast(item["type"]["S"], int(item["schemaVersion"]["N"]), json.loads(item["data"]["S"]))


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def event_item(aggregate_id: str, version: int, event: Event, command_id: str, recorded_at: str) -> dict[str, Any]:
    return {
        "aggregateId": {"S": aggregate_id},
        "version": {"N": str(version)},
        "type": {"S": event["type"]},
        "schemaVersion": {"N": str(EVENT_SCHEMA_VERSION)},
        "data": {"S": _compact(event["data"])},
        "commandId": {"S": command_id},
        "recordedAt": {"S": recorded_at},
    }


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# Cancellation reasons that mean another writer holds or took one of the versions being appended.
_CONFLICT_REASONS = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


def append_events(
    client: Any,
    config: EventStoreConfig,
    aggregate_id: str,
    expected_version: int,
    events: list[Event],
    command_id: str,
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> int:
    """Appends events at expected_version + 1, + 2, ...

    Each put is conditional on that (aggregateId, version) not existing yet, so of two writers racing for a
    version exactly one succeeds. One event is a plain conditional PutItem; several go in one
    TransactWriteItems, all or nothing.
    """
    recorded_at = now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
    puts = [
        {
            "TableName": config.events_table,
            "Item": event_item(aggregate_id, expected_version + 1 + i, event, command_id, recorded_at),
            "ConditionExpression": "attribute_not_exists(version)",
        }
        for i, event in enumerate(events)
    ]
    try:
        if len(puts) == 1:
            # A transaction costs twice the write units; a single put is atomic on its own.
            client.put_item(**puts[0])
        else:
            client.transact_write_items(TransactItems=[{"Put": put} for put in puts])
    except ClientError as error:
        code = _error_code(error)
        reasons = error.response.get("CancellationReasons") or []
        # A rival writer's transaction still in flight on the same version item: DynamoDB refuses a
        # put with TransactionConflictException, and cancels a transaction with reason TransactionConflict.
        # Either way another writer is taking that version, which is a conflict, not a server error.
        if code in ("ConditionalCheckFailedException", "TransactionConflictException") or (
            code == "TransactionCanceledException" and any(r.get("Code") in _CONFLICT_REASONS for r in reasons)
        ):
            raise ConcurrencyConflict(expected_version + 1) from error
        raise
    return expected_version + len(events)


def command_id_at(client: Any, config: EventStoreConfig, aggregate_id: str, version: int) -> str | None:
    """The command id recorded on the event at this version, if there is one."""
    result = client.query(
        TableName=config.events_table,
        KeyConditionExpression="aggregateId = :id AND version = :v",
        ExpressionAttributeValues={":id": {"S": aggregate_id}, ":v": {"N": str(version)}},
        ConsistentRead=True,
    )
    items = result.get("Items") or []
    return items[0].get("commandId", {}).get("S") if items else None


def crosses_snapshot_boundary(before: int, after: int, every: int) -> bool:
    """True when appending took the stream across a multiple of `every`, e.g. from 49 to 50 or 51."""
    return math.floor(before / every) < math.floor(after / every)


def save_snapshot(client: Any, config: EventStoreConfig, aggregate_id: str, version: int, state: AccountState) -> None:
    """Keeps one snapshot per aggregate.

    The condition stops a slow writer from replacing a newer snapshot with an older one. Snapshots are
    derived data, so a failed write only costs a longer replay later.
    """
    try:
        client.put_item(
            TableName=config.snapshots_table,
            Item={"aggregateId": {"S": aggregate_id}, "version": {"N": str(version)}, "state": {"S": _compact(state.to_json())}},
            ConditionExpression="attribute_not_exists(version) OR version < :v",
            ExpressionAttributeValues={":v": {"N": str(version)}},
        )
    except ClientError as error:
        if _error_code(error) != "ConditionalCheckFailedException":
            raise
