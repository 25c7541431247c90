"""Real-shaped inputs shared by the tests."""

import json
from typing import Any

# A priority order as a producer sends it; the shipping address must never reach the bus.
PRIORITY_ORDER: dict[str, Any] = {
    "orderId": "ord-1001",
    "orderType": "priority",
    "customerId": "cust-42",
    "total": 129.5,
    "shippingAddress": {"line1": "12 Analytical Row", "city": "London", "postcode": "N1 9GU"},
}

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:EventbridgePipesEnrichmentStack-OrdersA9B65338-Xyz"


def sqs_record(body: Any, message_id: str = "059f36b4-87a3-44ab-83d2-661975830a7d") -> dict[str, Any]:
    """An SQS record as a pipe reads it: the shape EventBridge documents for an SQS source, body still a string."""
    return {
        "messageId": message_id,
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...",
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1796472000000",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1796472000012",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def without(order: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in order.items() if k != key}
