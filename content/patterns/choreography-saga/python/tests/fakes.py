"""Stand-ins for DynamoDB and EventBridge with the semantics the saga relies on."""

from __future__ import annotations

import copy
import json
import logging
import re
from typing import Any

from botocore.exceptions import ClientError


def _condition_failed(item: dict[str, Any] | None, return_old: str | None) -> ClientError:
    response: dict[str, Any] = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}
    if return_old == "ALL_OLD" and item is not None:
        response["Item"] = copy.deepcopy(item)
    return ClientError(response, "PutItem")


class FakeDynamo:
    """DynamoDB's conditional semantics for exactly the expressions the saga table writes:
    `attribute_not_exists(orderId)` on PutItem, `#status = :from` with `SET #a = :a, ...` on UpdateItem.
    Any other expression raises, so a changed condition cannot slip past the tests."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []

    def get(self, order_id: str) -> dict[str, Any] | None:
        """The stored item, as plain values."""
        item = self.items.get(order_id)
        if item is None:
            return None
        return {k: (int(v["N"]) if "N" in v else v["S"]) for k, v in item.items()}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("PutItem")
        if kwargs.get("ConditionExpression") != "attribute_not_exists(orderId)":
            raise AssertionError(f"unexpected condition {kwargs.get('ConditionExpression')}")
        order_id = kwargs["Item"]["orderId"]["S"]
        existing = self.items.get(order_id)
        if existing is not None:
            raise _condition_failed(existing, kwargs.get("ReturnValuesOnConditionCheckFailure"))
        self.items[order_id] = copy.deepcopy(kwargs["Item"])
        return {}

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append("UpdateItem")
        if kwargs.get("ConditionExpression") != "#status = :from":
            raise AssertionError(f"unexpected condition {kwargs.get('ConditionExpression')}")
        names = kwargs.get("ExpressionAttributeNames", {})
        values = kwargs.get("ExpressionAttributeValues", {})
        order_id = kwargs["Key"]["orderId"]["S"]
        existing = self.items.get(order_id)
        if existing is None or existing.get(names["#status"], {}).get("S") != values[":from"]["S"]:
            raise _condition_failed(existing, kwargs.get("ReturnValuesOnConditionCheckFailure"))
        match = re.fullmatch(r"SET (.+)", kwargs.get("UpdateExpression", ""))
        if not match:
            raise AssertionError(f"unexpected update {kwargs.get('UpdateExpression')}")
        updated = copy.deepcopy(existing)
        for clause in match.group(1).split(", "):
            name, _, value = clause.partition(" = ")
            if name not in names or value not in values:
                raise AssertionError(f"unexpected clause {clause}")
            updated[names[name]] = values[value]
        self.items[order_id] = updated
        return {"Attributes": copy.deepcopy(updated)} if kwargs.get("ReturnValues") == "ALL_NEW" else {}


class FakeEventBridge:
    """Records every entry put on the bus; refuse_next makes the next calls answer with a failed entry, as PutEvents does."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.refuse_next = 0

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's parameter name
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return {"FailedEntryCount": len(Entries), "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"} for _ in Entries]}
        self.entries.extend(copy.deepcopy(Entries))
        return {"FailedEntryCount": 0, "Entries": [{"EventId": f"event-{len(self.entries) + i}"} for i in range(len(Entries))]}

    def events(self) -> list[dict[str, Any]]:
        """The published events as a rule target would receive them."""
        return [{"source": e["Source"], "detail-type": e["DetailType"], "detail": json.loads(e["Detail"])} for e in self.entries]


def quiet() -> None:
    """Handlers log a JSON line per outcome; tests keep them out of the output."""
    logging.getLogger().setLevel(logging.CRITICAL)
