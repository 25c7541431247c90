"""THE ANTI-PATTERN: count one page, then send the next page's cursor to the queue that invoked this function.

Nothing outside the code bounds the chain, and a redelivered message starts a second chain.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from inventory import ListPage, count_page, parse_state, s3_list_page

logger = logging.getLogger()
logger.setLevel(logging.INFO)

SendNext = Callable[[dict[str, Any]], None]


def sqs_send_next(client: Any, queue_url: str) -> SendNext:
    def send(state: dict[str, Any]) -> None:
        client.send_message(QueueUrl=queue_url, MessageBody=json.dumps(state, separators=(",", ":")))

    return send


def create_handler(list_page: ListPage, send_next: SendNext) -> Callable[[dict[str, Any], Any], None]:
    def handle(event: dict[str, Any], _context: Any = None) -> None:
        for record in event["Records"]:
            state = count_page(list_page, parse_state(json.loads(record["body"])))
            if "cursor" in state:
                send_next(state)
            else:
                logger.info(json.dumps({"level": "INFO", "message": "inventory finished", "prefix": state["prefix"], **state["totals"]}))

    return handle


_handler: Callable[[dict[str, Any], Any], None] | None = None


def handler(event: dict[str, Any], context: Any) -> None:
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(
            s3_list_page(boto3.client("s3"), os.environ["ARCHIVE_BUCKET_NAME"]),
            sqs_send_next(boto3.client("sqs"), os.environ["PAGES_QUEUE_URL"]),
        )
    return _handler(event, context)
