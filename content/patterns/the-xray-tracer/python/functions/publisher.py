"""Validates an order from the API and publishes it to the order topic."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any, Optional

from order import Order, parse_order
from tracing import Trace, powertools_trace

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The one SNS call the handler makes; returns the message id.
PublishOrder = Callable[[Order], str]


def sns_publisher(client: Any, topic_arn: str) -> PublishOrder:
    def publish(order: Order) -> str:
        result = client.publish(
            TopicArn=topic_arn,
            Message=json.dumps(order, separators=(",", ":")),
            # Subscription filter policies match message attributes, not the body.
            MessageAttributes={
                "total": {"DataType": "Number", "StringValue": str(order["total"])},
                "currency": {"DataType": "String", "StringValue": order["currency"]},
            },
        )
        message_id = result.get("MessageId")
        if not message_id:
            raise RuntimeError("SNS returned no message id")
        return message_id

    return publish


def _json(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def create_handler(publish: PublishOrder, trace: Trace) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        parsed = parse_order(event.get("body"))
        if isinstance(parsed, list):
            trace.annotate("accepted", False)
            return _json(400, {"errors": parsed})
        order = parsed
        trace.annotate("orderId", order["orderId"])
        trace.annotate("currency", order["currency"])
        try:
            message_id = trace.span("### publish order", lambda: publish(order))
        except Exception as error:  # noqa: BLE001 - any SNS failure becomes a plain 500
            logger.error(json.dumps({"message": "publish failed", "orderId": order["orderId"], "error": str(error)}))
            return _json(500, {"message": "The order could not be accepted right now."})
        trace.annotate("accepted", True)
        # The trace id lets a caller (or support) open this exact request in X-Ray.
        return _json(202, {"orderId": order["orderId"], "messageId": message_id, "traceId": trace.trace_id()})

    return handle


_handler: Optional[Callable[[Any, Any], Any]] = None


def handler(event: dict[str, Any], context: Any) -> Any:
    global _handler
    if _handler is None:
        xray = powertools_trace()
        import boto3

        # Created after the Tracer, so every SNS call is its own subsegment, linked to the topic's segment.
        _handler = xray.handler(create_handler(sns_publisher(boto3.client("sns"), os.environ.get("TOPIC_ARN", "")), xray))
    return _handler(event, context)
