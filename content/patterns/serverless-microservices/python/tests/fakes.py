"""In-memory stand-ins with DynamoDB's conditional and transactional semantics for the writes the handlers make."""

from typing import Any

from botocore.exceptions import ClientError


def cancelled(reasons: list[str]) -> ClientError:
    return ClientError(
        {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}, "CancellationReasons": [{"Code": c} for c in reasons]},
        "TransactWriteItems",
    )


class InventoryTable:
    """Every condition of a transaction is checked first, and nothing is applied unless all of them hold."""

    def __init__(self, stock: dict[str, int]) -> None:
        self.items: dict[str, dict[str, Any]] = {sku: {"sku": {"S": sku}, "available": {"N": str(n)}} for sku, n in stock.items()}
        self.published: list[dict[str, Any]] = []
        self.transactions: list[dict[str, Any]] = []

    def transact(self, **kwargs: Any) -> dict[str, Any]:
        self.transactions.append(kwargs)
        reasons = []
        for t in kwargs["TransactItems"]:
            if "Put" in t:
                reasons.append("ConditionalCheckFailed" if t["Put"]["Item"]["sku"]["S"] in self.items else "None")
            else:
                item = self.items.get(t["Update"]["Key"]["sku"]["S"])
                q = int(t["Update"]["ExpressionAttributeValues"][":q"]["N"])
                reasons.append("None" if item and int(item["available"]["N"]) >= q else "ConditionalCheckFailed")
        if any(r != "None" for r in reasons):
            raise cancelled(reasons)
        for t in kwargs["TransactItems"]:
            if "Put" in t:
                self.items[t["Put"]["Item"]["sku"]["S"]] = t["Put"]["Item"]
            else:
                item = self.items[t["Update"]["Key"]["sku"]["S"]]
                item["available"] = {"N": str(int(item["available"]["N"]) - int(t["Update"]["ExpressionAttributeValues"][":q"]["N"]))}
        return {}

    def get(self, **kwargs: Any) -> dict[str, Any]:
        item = self.items.get(kwargs["Key"]["sku"]["S"])
        return {"Item": item} if item else {}

    def publish(self, entry: dict[str, Any]) -> None:
        self.published.append(entry)

    def level(self, sku: str) -> int:
        return int(self.items[sku]["available"]["N"])


class OrdersTable:
    """One order whose update honours the handler's condition on status."""

    def __init__(self, status: str | None) -> None:
        self.status = status
        self.calls: list[dict[str, Any]] = []

    def update(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.status != kwargs["ExpressionAttributeValues"][":placed"]["S"]:
            raise ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "UpdateItem")
        self.status = kwargs["ExpressionAttributeValues"][":next"]["S"]
        return {}
