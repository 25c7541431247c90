"""An in-memory stand-in for the DynamoDB calls the functions make (get_item, put_item, query, scan), strict
about the expressions it accepts: it evaluates the real condition and key-condition strings the code sends
and raises on any it does not know, so a changed expression fails the tests."""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from typing import Any, Optional

from botocore.exceptions import ClientError

Item = dict[str, Any]
KeyShape = tuple[str, Optional[str]]


def _scalar(value: Optional[dict[str, Any]]) -> Any:
    if value is None:
        return None
    return float(value["N"]) if "N" in value else value.get("S")


def _compare(a: Optional[dict[str, Any]], b: Optional[dict[str, Any]]) -> int:
    x, y = _scalar(a), _scalar(b)
    if x == y:
        return 0
    if x is None:
        return -1
    if y is None:
        return 1
    return -1 if x < y else 1


class FakeDynamo:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # Largest number of items a query or scan returns per page.
        self.page_size = math.inf
        self.refused_writes = 0
        # Runs before a put_item is checked and applied: the place to let a competing writer in.
        self.before_put: Optional[Callable[[dict[str, Any]], None]] = None
        # Makes a call fail, as a throttle or outage would.
        self.fail_with: Optional[Callable[[str, dict[str, Any]], Optional[Exception]]] = None

    def create_table(self, name: str, key: KeyShape, indexes: Optional[dict[str, KeyShape]] = None) -> "FakeDynamo":
        self.tables[name] = {"key": key, "indexes": indexes or {}, "items": {}}
        return self

    def items(self, name: str) -> list[Item]:
        table = self.tables[name]
        return self._sorted(table, table["key"])

    # --- the boto3 client surface ---

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        table = self._call("GetItem", kwargs)
        item = table["items"].get(self._id(table["key"], kwargs["Key"]))
        return {"Item": copy.deepcopy(item)} if item else {}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        table = self._call("PutItem", kwargs)
        if self.before_put:
            self.before_put(kwargs)
        key = self._id(table["key"], kwargs["Item"])
        condition = kwargs.get("ConditionExpression")
        if condition and not self._holds(condition, table["items"].get(key), kwargs.get("ExpressionAttributeValues")):
            self.refused_writes += 1
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "PutItem")
        table["items"][key] = copy.deepcopy(kwargs["Item"])
        return {}

    def query(self, **kwargs: Any) -> dict[str, Any]:
        table = self._call("Query", kwargs)
        shape = table["indexes"][kwargs["IndexName"]] if "IndexName" in kwargs else table["key"]
        hash_name, range_name = shape
        values = kwargs.get("ExpressionAttributeValues") or {}
        expression = kwargs["KeyConditionExpression"]
        match = re.fullmatch(r"(\w+) = (:\w+)(?: AND (.+))?", expression)
        if not match or match.group(1) != hash_name:
            raise ValueError(f"fake DynamoDB does not understand the key condition {expression}")
        hash_value = values.get(match.group(2))
        rest = match.group(3)
        range_test: Callable[[Item], bool] = lambda _item: True  # noqa: E731
        if rest:
            between = re.fullmatch(r"(\w+) BETWEEN (:\w+) AND (:\w+)", rest)
            prefix = re.fullmatch(r"begins_with\((\w+), (:\w+)\)", rest)
            if between and between.group(1) == range_name:
                low, high = values.get(between.group(2)), values.get(between.group(3))
                range_test = lambda item: _compare(item.get(range_name), low) >= 0 and _compare(item.get(range_name), high) <= 0  # noqa: E731
            elif prefix and prefix.group(1) == range_name:
                start = str(_scalar(values.get(prefix.group(2))))
                range_test = lambda item: str(_scalar(item.get(range_name))).startswith(start)  # noqa: E731
            else:
                raise ValueError(f"fake DynamoDB does not understand the key condition {expression}")
        items = [i for i in self._sorted(table, shape) if _compare(i.get(hash_name), hash_value) == 0 and range_test(i)]
        if kwargs.get("ScanIndexForward") is False:
            items.reverse()
        return self._page(table, shape, items, kwargs)

    def scan(self, **kwargs: Any) -> dict[str, Any]:
        table = self._call("Scan", kwargs)
        total = kwargs.get("TotalSegments", 1)
        segment = kwargs.get("Segment", 0)
        hash_name = table["key"][0]
        # Like DynamoDB, a segment holds whole partitions: every item of one hash key lands in the same segment.
        items = [i for i in self._sorted(table, table["key"]) if sum(ord(c) for c in str(_scalar(i[hash_name]))) % total == segment]
        return self._page(table, table["key"], items, kwargs)

    # --- helpers ---

    def _call(self, name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, copy.deepcopy(kwargs)))
        failure = self.fail_with(name, kwargs) if self.fail_with else None
        if failure:
            raise failure
        if kwargs["TableName"] not in self.tables:
            raise ValueError(f"fake DynamoDB has no table {kwargs['TableName']}")
        return self.tables[kwargs["TableName"]]

    @staticmethod
    def _id(shape: KeyShape, item: Item) -> str:
        hash_name, range_name = shape
        if item.get(hash_name) is None:
            raise ValueError(f"key attribute {hash_name} missing")
        return json.dumps([_scalar(item[hash_name]), _scalar(item.get(range_name)) if range_name else None])

    @staticmethod
    def _holds(expression: str, existing: Optional[Item], values: Optional[dict[str, Any]]) -> bool:
        match = re.fullmatch(r"attribute_not_exists\((\w+)\)", expression)
        if match:
            return existing is None or existing.get(match.group(1)) is None
        match = re.fullmatch(r"(\w+) = (:\w+)", expression)
        if match:
            return existing is not None and existing.get(match.group(1)) is not None and _compare(existing.get(match.group(1)), (values or {}).get(match.group(2))) == 0
        raise ValueError(f"fake DynamoDB does not understand the condition {expression}")

    @staticmethod
    def _sorted(table: dict[str, Any], shape: KeyShape) -> list[Item]:
        hash_name, range_name = shape
        t_hash, t_range = table["key"]

        def sort_key(item: Item) -> tuple[Any, ...]:
            return tuple(
                (0, "") if _scalar(item.get(n)) is None else (1, _scalar(item.get(n)))
                for n in (hash_name, range_name or hash_name, t_range or t_hash, t_hash)
            )

        return sorted(
            (i for i in table["items"].values() if i.get(hash_name) is not None and (not range_name or i.get(range_name) is not None)),
            key=sort_key,
        )

    def _page(self, table: dict[str, Any], shape: KeyShape, items: list[Item], kwargs: dict[str, Any]) -> dict[str, Any]:
        start = 0
        if kwargs.get("ExclusiveStartKey"):
            after = self._id(table["key"], kwargs["ExclusiveStartKey"])
            positions = [n for n, i in enumerate(items) if self._id(table["key"], i) == after]
            if not positions:
                raise ValueError("ExclusiveStartKey does not name an item of this result")
            start = positions[0] + 1
        size = min(self.page_size, kwargs.get("Limit", math.inf))
        end = len(items) if size == math.inf else start + int(size)
        page = items[start:end]
        result: dict[str, Any] = {"Items": copy.deepcopy(page), "Count": len(page)}
        if end < len(items) and page:
            names = dict.fromkeys(n for n in (*table["key"], *shape) if n)
            result["LastEvaluatedKey"] = {n: page[-1][n] for n in names}
        return result
