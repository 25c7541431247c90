"""Kinesis records as Lambda delivers them, and a stand-in DynamoDB client."""

from __future__ import annotations

import base64
import json
from typing import Any, Callable

SHARD = "shardId-000000000000"
STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/Readings"


def kinesis_record(sequence_number: str, payload: Any, partition_key: str = "fridge-7") -> dict[str, Any]:
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence_number,
            "data": base64.b64encode(raw.encode("utf-8")).decode("ascii"),
            "approximateArrivalTimestamp": 1796464800.5,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{SHARD}:{sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/ReadingProcessorRole",
        "awsRegion": "us-east-1",
        "eventSourceARN": STREAM_ARN,
    }


def reading(device_id: str, temperature: float, read_at: str) -> dict[str, Any]:
    return {"deviceId": device_id, "temperature": temperature, "readAt": read_at}


class ClientError(Exception):
    """Shaped like botocore's ClientError: the handlers read response['Error']['Code']."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": code}}


class FakeDynamo:
    """Records each update_item call's arguments; `refuse` may return an error to raise instead."""

    def __init__(self, refuse: Callable[[dict[str, Any]], Exception | None] = lambda _: None) -> None:
        self.calls: list[dict[str, Any]] = []
        self._refuse = refuse

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        error = self._refuse(kwargs)
        if error is not None:
            raise error
        self.calls.append(kwargs)
        return {}
