"""An in-memory stand-in for the four DynamoDB calls the handlers make.

It honours the two condition expressions the code sends, key order, pagination and all-or-nothing
transactions, and records every call.
"""

from __future__ import annotations

from typing import Any, Callable

from botocore.exceptions import ClientError

Item = dict[str, Any]


class FakeDynamoDB:
    def __init__(self, page_size: int = 7) -> None:
        self.page_size = page_size
        self.tables: dict[str, dict[str, Item]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_with: tuple[str, str | None, Exception] | None = None
        # Runs once, just before the next put to Events: lets a test slip a rival writer in between.
        self.before_event_put: Callable[[], None] | None = None

    def items(self, table: str) -> list[Item]:
        return sorted(self.tables.get(table, {}).values(), key=lambda i: int(i.get("version", {}).get("N", 0)))

    def _table(self, name: str) -> dict[str, Item]:
        return self.tables.setdefault(name, {})

    @staticmethod
    def _key(table: str, item: Item) -> str:
        return f"{item['aggregateId']['S']}#" if table.startswith("Snapshots") else f"{item['aggregateId']['S']}#{item['version']['N']}"

    def _passes(self, put: dict[str, Any]) -> bool:
        table, item = put["TableName"], put["Item"]
        if table.startswith("Snapshots"):
            if put.get("ConditionExpression") != "attribute_not_exists(version) OR version < :v":
                return True
            existing = self._table(table).get(self._key(table, item))
            return existing is None or int(existing["version"]["N"]) < int(put["ExpressionAttributeValues"][":v"]["N"])
        if put.get("ConditionExpression") != "attribute_not_exists(version)":
            return True
        return self._key(table, item) not in self._table(table)

    def _store(self, put: dict[str, Any]) -> None:
        self._table(put["TableName"])[self._key(put["TableName"], put["Item"])] = put["Item"]

    def _record(self, name: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((name, kwargs))
        if self.fail_with and self.fail_with[0] == name and self.fail_with[1] in (None, kwargs.get("TableName")):
            raise self.fail_with[2]

    def _rival(self, table: str) -> None:
        if table == "Events" and self.before_event_put:
            rival, self.before_event_put = self.before_event_put, None
            rival()

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self._record("GetItem", kwargs)
        item = self._table(kwargs["TableName"]).get(f"{kwargs['Key']['aggregateId']['S']}#")
        return {"Item": item} if item else {}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self._record("PutItem", kwargs)
        self._rival(kwargs["TableName"])
        if not self._passes(kwargs):
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "PutItem")
        self._store(kwargs)
        return {}

    def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        self._record("TransactWriteItems", kwargs)
        puts = [t["Put"] for t in kwargs["TransactItems"]]
        self._rival(puts[0]["TableName"])
        reasons = [{"Code": "None" if self._passes(p) else "ConditionalCheckFailed"} for p in puts]
        if any(r["Code"] != "None" for r in reasons):
            raise ClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}, "CancellationReasons": reasons},
                "TransactWriteItems",
            )
        for put in puts:
            self._store(put)
        return {}

    def query(self, **kwargs: Any) -> dict[str, Any]:
        self._record("Query", kwargs)
        kce, v = kwargs["KeyConditionExpression"], kwargs["ExpressionAttributeValues"]

        def n(key: str) -> int:
            return int(v[key]["N"])

        def matches(item: Item) -> bool:
            version = int(item["version"]["N"])
            if item["aggregateId"]["S"] != v[":id"]["S"]:
                return False
            if kce == "aggregateId = :id AND version > :from":
                return version > n(":from")
            if kce == "aggregateId = :id AND version BETWEEN :from AND :to":
                return n(":from") <= version <= n(":to")
            if kce == "aggregateId = :id AND version = :v":
                return version == n(":v")
            raise AssertionError(f"unexpected key condition {kce}")

        found = [i for i in self.items(kwargs["TableName"]) if matches(i)]
        start_key = kwargs.get("ExclusiveStartKey")
        start = next((k + 1 for k, i in enumerate(found) if i["version"] == start_key["version"]), 0) if start_key else 0
        page = found[start : start + self.page_size]
        result: dict[str, Any] = {"Items": page}
        if start + self.page_size < len(found) and page:
            result["LastEvaluatedKey"] = {"aggregateId": page[-1]["aggregateId"], "version": page[-1]["version"]}
        return result
