"""Counts GET requests per path in DynamoDB and answers with the new total."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Longest normalised path that is counted. DynamoDB refuses partition keys over 2048 bytes,
# and every distinct path is a stored item, so longer paths are turned away up front.
MAX_PATH_LENGTH = 256

IncrementHits = Callable[[str], int]


def normalise_path(raw_path: str | None) -> str:
    """Paths differ only by a trailing slash or case in practice; count them as one."""
    path = (raw_path or "/").strip().lower().rstrip("/")
    return path or "/"


def dynamo_increment(client: Any, table_name: str) -> IncrementHits:
    def increment(path: str) -> int:
        # ADD is atomic on the server, so concurrent requests never lose a hit.
        result = client.update_item(
            TableName=table_name,
            Key={"path": {"S": path}},
            UpdateExpression="ADD hits :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        hits = result.get("Attributes", {}).get("hits", {}).get("N")
        if hits is None:
            raise RuntimeError(f"DynamoDB returned no hit count for {path}")
        return int(hits)

    return increment


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def create_handler(increment: IncrementHits) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        if event["requestContext"]["http"]["method"] != "GET":
            return _json(405, {"message": "Only GET is counted; send a GET request to any path."}, {"allow": "GET"})
        path = normalise_path(event.get("rawPath"))
        if len(path) > MAX_PATH_LENGTH:
            return _json(414, {"message": f"Paths longer than {MAX_PATH_LENGTH} characters are not counted."})
        try:
            hits = increment(path)
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep internals out of the public response.
            logger.error(json.dumps({"message": "hit count failed", "path": path, "error": str(error)}))
            return _json(500, {"message": "The hit counter is unavailable right now."})
        plural = "" if hits == 1 else "s"
        return _json(200, {"path": path, "hits": hits, "message": f"You have visited {path} {hits} time{plural}."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(dynamo_increment(boto3.client("dynamodb"), os.environ["HITS_TABLE_NAME"]))
    return _handler(event, context)
