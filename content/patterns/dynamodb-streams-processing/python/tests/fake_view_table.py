"""An in-memory stand-in for the view table that evaluates exactly the condition and update
expressions the projector sends, all-or-nothing like TransactWriteItems, and refuses any expression
it does not know, so a changed expression fails the tests instead of passing them."""

from __future__ import annotations

import re
from typing import Any, Optional

from botocore.exceptions import ClientError

Row = dict[str, Any]


def _key(key: Row) -> str:
    return f"{key['customerId']['S']}|{key['sk']['S']}"


class FakeViewTable:
    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.calls = 0
        # Raise this error on the given (1-based) call, to simulate throttling or a conflict.
        self.fail_on_call: Optional[tuple[int, Exception]] = None

    def _condition_holds(self, current: Optional[Row], op: Row) -> bool:
        expression = op.get("ConditionExpression")
        if expression is None:
            return True
        if expression == "attribute_not_exists(sk)":
            return current is None
        if expression == "#version = :from" and op.get("ExpressionAttributeNames", {}).get("#version") == "version":
            return current is not None and current.get("version", {}).get("N") == op["ExpressionAttributeValues"][":from"]["N"]
        raise ValueError(f"unsupported condition {expression}")

    def write(self, request: dict[str, Any]) -> None:
        self.calls += 1
        if self.fail_on_call and self.fail_on_call[0] == self.calls:
            raise self.fail_on_call[1]
        items = request["TransactItems"]
        reasons = []
        for item in items:
            ((kind, op),) = item.items()
            key = {"customerId": op["Item"]["customerId"], "sk": op["Item"]["sk"]} if kind == "Put" else op["Key"]
            ok = self._condition_holds(self.rows.get(_key(key)), op)
            reasons.append({"Code": "None" if ok else "ConditionalCheckFailed"})
        if any(r["Code"] != "None" for r in reasons):
            raise ClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}, "CancellationReasons": reasons},
                "TransactWriteItems",
            )
        for item in items:
            ((kind, op),) = item.items()
            if kind == "Put":
                self.rows[_key(op["Item"])] = dict(op["Item"])
            elif kind == "Delete":
                self.rows.pop(_key(op["Key"]), None)
            elif kind == "Update":
                parsed = re.fullmatch(r"ADD (\w+) (:\w+), (\w+) (:\w+) SET (\w+) = (:\w+)", op["UpdateExpression"])
                if not parsed:
                    raise ValueError(f"unsupported update {op['UpdateExpression']}")
                a, av, b, bv, s, sv = parsed.groups()
                values = op["ExpressionAttributeValues"]
                row = dict(self.rows.get(_key(op["Key"])) or op["Key"])
                row[a] = {"N": str(int(row.get(a, {}).get("N", 0)) + int(values[av]["N"]))}
                row[b] = {"N": str(int(row.get(b, {}).get("N", 0)) + int(values[bv]["N"]))}
                row[s] = values[sv]
                self.rows[_key(op["Key"])] = row
            else:
                raise ValueError(f"unsupported transaction item {kind}")

    def totals(self, customer_id: str) -> Optional[dict[str, int]]:
        row = self.rows.get(f"{customer_id}|TOTALS")
        return {"orderCount": int(row["orderCount"]["N"]), "totalCents": int(row["totalCents"]["N"])} if row else None

    def markers(self, customer_id: str) -> dict[str, int]:
        return {
            k.split("|")[1]: int(row["version"]["N"]) for k, row in self.rows.items() if k.startswith(f"{customer_id}|ORDER#")
        }
