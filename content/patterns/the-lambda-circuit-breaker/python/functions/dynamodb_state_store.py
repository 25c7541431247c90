"""Keeps one circuit's breaker record in one DynamoDB item."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Optional

from circuit_breaker import BreakerRecord

STATES = ("CLOSED", "OPEN", "HALF_OPEN")


def to_item(circuit_id: str, record: BreakerRecord, now: int) -> dict[str, Any]:
    return {
        "circuitId": {"S": circuit_id},
        "state": {"S": record.state},
        "failureCount": {"N": str(record.failure_count)},
        "successCount": {"N": str(record.success_count)},
        "openUntil": {"N": str(record.open_until)},
        "trialUntil": {"N": str(record.trial_until)},
        "version": {"N": str(record.version)},
        # For people reading the table; the breaker never looks at it.
        "updatedAt": {"S": datetime.fromtimestamp(now / 1000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")},
    }


def from_item(item: dict[str, Any]) -> BreakerRecord:
    state = item.get("state", {}).get("S")
    if state not in STATES:
        raise ValueError(f"Unknown circuit state {state}")

    def number(name: str) -> int:
        return int(item.get(name, {}).get("N", "0"))

    return BreakerRecord(
        state=state,
        failure_count=number("failureCount"),
        success_count=number("successCount"),
        open_until=number("openUntil"),
        trial_until=number("trialUntil"),
        version=number("version"),
    )


def _error_code(error: Exception) -> Optional[str]:
    response = getattr(error, "response", None)
    return response.get("Error", {}).get("Code") if isinstance(response, dict) else None


def epoch_ms() -> int:
    return int(time.time() * 1000)


class DynamoDbStateStore:
    """One item per circuit.

    Reads are strongly consistent and writes are conditional on the version read, so two
    execution environments can never both believe their transition won.
    """

    def __init__(self, client: Any, table_name: str, circuit_id: str, clock: Callable[[], int] = epoch_ms) -> None:
        self._client = client
        self._table_name = table_name
        self._circuit_id = circuit_id
        self._clock = clock

    def load(self) -> Optional[BreakerRecord]:
        result = self._client.get_item(TableName=self._table_name, Key={"circuitId": {"S": self._circuit_id}}, ConsistentRead=True)
        item = result.get("Item")
        return from_item(item) if item else None

    def save(self, next_record: BreakerRecord, expected_version: int) -> bool:
        request: dict[str, Any] = {"TableName": self._table_name, "Item": to_item(self._circuit_id, next_record, self._clock())}
        if expected_version == 0:
            # Version 0 means "never written"; the first write must create the item.
            request["ConditionExpression"] = "attribute_not_exists(circuitId)"
        else:
            request["ConditionExpression"] = "version = :expected"
            request["ExpressionAttributeValues"] = {":expected": {"N": str(expected_version)}}
        try:
            self._client.put_item(**request)
        except Exception as error:
            if _error_code(error) == "ConditionalCheckFailedException":
                return False
            raise
        return True
