"""Counts GET requests per page in DynamoDB and answers with the page's new total."""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Callable, Optional

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Adds one visit to a page and returns the page's new total.
RecordVisit = Callable[[str], int]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def page_key(raw_path: Optional[str]) -> str:
    """One counter per page: lower-case, no trailing slash, and "/" for the root."""
    without_slashes = (raw_path or "").strip().lower().rstrip("/")
    return without_slashes if without_slashes.startswith("/") else f"/{without_slashes}"


def visit_recorder(client: Any, table_name: str) -> RecordVisit:
    def record(page: str) -> int:
        # ADD runs on the server, so simultaneous visits are all counted.
        result = client.update_item(
            TableName=table_name,
            Key={"path": {"S": page}},
            UpdateExpression="ADD hits :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        total = result.get("Attributes", {}).get("hits", {}).get("N")
        if total is None or not total.isdigit():
            raise RuntimeError(f"no hit count came back for {page}")
        return int(total)

    return record


def _reply(status_code: int, body: Any, headers: Optional[dict[str, str]] = None) -> dict[str, Any]:
    return {"statusCode": status_code, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def create_handler(record_visit: RecordVisit) -> Handler:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        method = event["requestContext"]["http"]["method"]
        if method != "GET":
            # Counted by the dashboard as a 4xx, and never as a write.
            return _reply(405, {"message": f"{method} is not counted; use GET."}, {"allow": "GET"})
        page = page_key(event.get("rawPath"))
        try:
            hits = record_visit(page)
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Lambda's JSON log format turns this into a line with level ERROR, which the
            # dashboard's Logs Insights widget filters on.
            logger.error("visit not recorded for %s: %s", page, error)
            return _reply(500, {"message": "The counter is unavailable; try again shortly."})
        return _reply(200, {"page": page, "hits": hits})

    return handle


_handler: Optional[Handler] = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Built once per execution environment so warm invocations reuse the client and its connections.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(visit_recorder(boto3.client("dynamodb"), os.environ["HITS_TABLE_NAME"]))
    return _handler(event, context)
