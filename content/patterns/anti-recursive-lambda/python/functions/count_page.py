"""The fix: count one page and return. The state machine reads the cursor and decides whether to loop."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from inventory import ListPage, count_page, parse_state, s3_list_page


def create_handler(list_page: ListPage) -> Callable[[Any, Any], dict[str, Any]]:
    def handle(event: Any, _context: Any = None) -> dict[str, Any]:
        return count_page(list_page, parse_state(event))

    return handle


_handler: Callable[[Any, Any], dict[str, Any]] | None = None


def handler(event: Any, context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(s3_list_page(boto3.client("s3"), os.environ["ARCHIVE_BUCKET_NAME"]))
    return _handler(event, context)
