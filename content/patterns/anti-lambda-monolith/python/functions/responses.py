"""The HTTP edge both stacks share: JSON in, JSON out, and failures that never leak their cause."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any

from shop import BadRequest, Reply

logger = logging.getLogger()
logger.setLevel(logging.INFO)

Event = dict[str, Any]
Response = dict[str, Any]


def read_json(event: Event) -> Any:
    """The request body as JSON; API Gateway base64-encodes bodies it does not take for text."""
    body = event.get("body")
    if not body:
        raise BadRequest("A JSON body is required.")
    text = base64.b64decode(body).decode("utf-8") if event.get("isBase64Encoded") else body
    try:
        return json.loads(text)
    except ValueError as error:
        raise BadRequest("The body is not valid JSON.") from error


def to_response(reply: Reply) -> Response:
    if reply.body is None:
        return {"statusCode": reply.status_code}
    return {"statusCode": reply.status_code, "headers": {"content-type": "application/json"}, "body": json.dumps(reply.body)}


def http(operation: Callable[[Event], Reply]) -> Callable[[Event, Any], Response]:
    """Runs an operation: a BadRequest becomes a 400, anything else a plain 500 with the cause in the logs only."""

    def handle(event: Event, _context: Any = None) -> Response:
        try:
            return to_response(operation(event))
        except BadRequest as error:
            return to_response(Reply(400, {"message": str(error)}))
        except Exception as error:  # noqa: BLE001 - any other failure becomes a plain 500
            logger.error(json.dumps({"message": "request failed", "route": event.get("routeKey"), "error": str(error)}))
            return to_response(Reply(500, {"message": "Something went wrong; try again later."}))

    return handle
