"""An in-memory DynamoDB client: the code under test makes real boto3-shaped calls, and this answers
them with DynamoDB's semantics for the four item calls the function makes, including the
conditional put and the old item on a failed condition."""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import ClientError

Item = dict[str, dict[str, Any]]

# The one condition the Powertools DynamoDB layer puts on its write; anything else fails the test.
POWERTOOLS_PUT_CONDITION = (
    "attribute_not_exists(#id) OR #expiry < :now OR "
    "(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)"
)


class FakeDynamoDB:
    def __init__(self, keys: dict[str, list[str]]) -> None:
        self._keys = keys
        self._tables: dict[str, dict[str, Item]] = {name: {} for name in keys}
        self.calls: list[str] = []

    def items(self, table: str) -> list[Item]:
        return list(self._tables[table].values())

    def _key(self, table: str, item: Item) -> str:
        return json.dumps([item[attribute] for attribute in self._keys[table]])

    def put_item(self, TableName: str, Item: Item, ConditionExpression: str | None = None, **kwargs: Any) -> dict:  # noqa: N803
        self.calls.append(f"PutItem {TableName}")
        table = self._tables[TableName]
        key = self._key(TableName, Item)
        existing = table.get(key)
        if ConditionExpression is not None:
            if ConditionExpression != POWERTOOLS_PUT_CONDITION:
                raise AssertionError(f"unexpected condition {ConditionExpression}")
            names, values = kwargs["ExpressionAttributeNames"], kwargs["ExpressionAttributeValues"]

            def attr(name: str) -> dict[str, Any] | None:
                return existing.get(names[name]) if existing else None

            def number(value: dict[str, Any] | None) -> float:
                return float(value["N"]) if value else float("nan")

            allowed = (
                existing is None
                or number(attr("#expiry")) < number(values[":now"])
                or (
                    (attr("#status") or {}).get("S") == values[":inprogress"]["S"]
                    and attr("#in_progress_expiry") is not None
                    and number(attr("#in_progress_expiry")) < number(values[":now_in_millis"])
                )
            )
            if not allowed:
                response: dict[str, Any] = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}
                if kwargs.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD":
                    response["Item"] = dict(existing or {})
                raise ClientError(response, "PutItem")
        table[key] = dict(Item)
        return {}

    def get_item(self, TableName: str, Key: Item, **_kwargs: Any) -> dict:  # noqa: N803
        self.calls.append(f"GetItem {TableName}")
        item = self._tables[TableName].get(self._key(TableName, Key))
        return {"Item": dict(item)} if item else {}

    def update_item(
        self,
        TableName: str,  # noqa: N803
        Key: Item,  # noqa: N803
        UpdateExpression: str,  # noqa: N803
        ExpressionAttributeNames: dict[str, str],  # noqa: N803
        ExpressionAttributeValues: Item,  # noqa: N803
    ) -> dict:
        self.calls.append(f"UpdateItem {TableName}")
        table = self._tables[TableName]
        key = self._key(TableName, Key)
        item = dict(table.get(key) or Key)
        match = re.fullmatch(r"SET (.+)", UpdateExpression)
        if not match:
            raise AssertionError(f"unsupported update {UpdateExpression}")
        for assignment in match.group(1).split(","):
            name, value = (part.strip() for part in assignment.split("="))
            item[ExpressionAttributeNames[name]] = ExpressionAttributeValues[value]
        table[key] = item
        return {}

    def delete_item(self, TableName: str, Key: Item) -> dict:  # noqa: N803
        self.calls.append(f"DeleteItem {TableName}")
        self._tables[TableName].pop(self._key(TableName, Key), None)
        return {}
