"""One order's record in one service's table, written only through conditional writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

# One order's record: its key, its state, and the plain fields the service keeps.
Item = dict[str, Any]
# A service's state machine: each state with the states it may move to.
StateMachine = dict[str, tuple[str, ...]]


@dataclass
class CreateResult:
    written: bool
    existing: Item | None = None


@dataclass
class MoveResult:
    moved: bool
    item: Item | None = None
    existing: Item | None = None


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {k: {"N": str(v)} if isinstance(v, (int, float)) else {"S": v} for k, v in item.items()}


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _unmarshal(item: dict[str, Any] | None) -> Item | None:
    if item is None:
        return None
    return {k: _number(v["N"]) if "N" in v else v.get("S", "") for k, v in item.items()}


def _condition_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class SagaTable:
    """The table a service owns, keyed by order id, with its state machine enforced on every write."""

    def __init__(self, client: Any, table_name: str, machine: StateMachine) -> None:
        self._client = client
        self._table_name = table_name
        self._machine = machine

    def create(self, item: Item) -> CreateResult:
        """Writes the order's first state, or hands back the item already stored under that order id."""
        if item["status"] not in self._machine:
            raise ValueError(f"{item['status']} is not a state of this service")
        try:
            self._client.put_item(
                TableName=self._table_name,
                Item=_marshal(item),
                # The order id is the saga id: one item per order, written once.
                ConditionExpression="attribute_not_exists(orderId)",
                # Hands back the stored item on a redelivery, without a second read.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return CreateResult(written=True)
        except ClientError as error:
            if _condition_failed(error):
                return CreateResult(written=False, existing=_unmarshal(error.response.get("Item")))
            raise

    def move(self, order_id: str, from_state: str, to_state: str, changes: dict[str, Any]) -> MoveResult:
        """Moves the item from one state to the next, or hands back what is stored (nothing, for an unknown order)."""
        if to_state not in self._machine.get(from_state, ()):
            raise ValueError(f"{from_state} -> {to_state} is not a transition of this service")
        updates = {"status": to_state, **changes}
        try:
            result = self._client.update_item(
                TableName=self._table_name,
                Key={"orderId": {"S": order_id}},
                UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in updates),
                # Only from the expected state: a duplicate or a late event finds the item already moved on.
                ConditionExpression="#status = :from",
                ExpressionAttributeNames={f"#{k}": k for k in updates},
                ExpressionAttributeValues={**_marshal({f":{k}": v for k, v in updates.items()}), ":from": {"S": from_state}},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return MoveResult(moved=True, item=_unmarshal(result.get("Attributes")))
        except ClientError as error:
            if _condition_failed(error):
                return MoveResult(moved=False, existing=_unmarshal(error.response.get("Item")))
            raise
