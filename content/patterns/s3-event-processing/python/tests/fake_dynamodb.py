"""A boto3-shaped DynamoDB client that answers from memory, for the calls Powertools' DynamoDB persistence layer makes."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class InMemoryDynamoDB:
    """put_item applies the layer's own condition: refused while an unexpired record holds the key."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _key(key: dict[str, Any]) -> str:
        return key["id"]["S"]

    def put_item(self, *, Item: dict[str, Any], ExpressionAttributeValues: dict[str, Any], **_: Any) -> dict[str, Any]:
        existing = self.items.get(self._key(Item))
        if existing is not None:
            expired = int(existing["expiration"]["N"]) < int(ExpressionAttributeValues[":now"]["N"])
            stale_in_progress = (
                existing["status"]["S"] == "INPROGRESS"
                and "in_progress_expiration" in existing
                and int(existing["in_progress_expiration"]["N"]) < int(ExpressionAttributeValues[":now_in_millis"]["N"])
            )
            if not expired and not stale_in_progress:
                raise ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "failed"}, "Item": existing}, "PutItem")  # type: ignore[typeddict-unknown-key]
        self.items[self._key(Item)] = dict(Item)
        return {}

    def get_item(self, *, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        item = self.items.get(self._key(Key))
        return {"Item": item} if item is not None else {}

    def update_item(
        self, *, Key: dict[str, Any], UpdateExpression: str, ExpressionAttributeNames: dict[str, str], ExpressionAttributeValues: dict[str, Any], **_: Any
    ) -> dict[str, Any]:
        item = dict(self.items.get(self._key(Key), Key))
        for assignment in UpdateExpression.removeprefix("SET ").split(","):
            name, value = (part.strip() for part in assignment.split("="))
            item[ExpressionAttributeNames.get(name, name)] = ExpressionAttributeValues[value]
        self.items[self._key(Key)] = item
        return {}

    def delete_item(self, *, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        self.items.pop(self._key(Key), None)
        return {}
