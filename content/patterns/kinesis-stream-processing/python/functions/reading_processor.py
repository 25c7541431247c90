"""Keeps the newest reading of each device; reports the sequence number of a reading it cannot store."""

from __future__ import annotations

import json
import os
from typing import Any, Callable

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord

from reading import parse_reading

Log = Callable[[dict[str, Any]], None]

# Module scope: one processor per execution environment, reset by Powertools for each batch.
# A batch whose records all failed is reported like any other failure, not raised: the Errors
# alarm then means "the function broke", and bad data shows up in FailedBatches.
_processor = BatchProcessor(event_type=EventType.KinesisDataStreams, raise_on_entire_batch_failure=False)
_client: Any = None


def store_reading(client: Any, table_name: str, record: KinesisStreamRecord) -> str:
    """Writes the reading unless a newer one (by event time) is already stored, so a late reading
    or a record Lambda delivers a second time never overwrites a newer one."""
    reading = parse_reading(record.kinesis.data)
    try:
        client.update_item(
            TableName=table_name,
            Key={"deviceId": {"S": reading.device_id}},
            UpdateExpression="SET temperature = :temperature, readAt = :readAt, readAtMs = :readAtMs, sequenceNumber = :seq",
            ConditionExpression="attribute_not_exists(readAtMs) OR readAtMs < :readAtMs",
            ExpressionAttributeValues={
                ":temperature": {"N": _number(reading.temperature)},
                ":readAt": {"S": reading.read_at},
                ":readAtMs": {"N": str(reading.read_at_ms)},
                ":seq": {"S": record.kinesis.sequence_number},
            },
        )
    except Exception as error:  # botocore's ClientError, matched by code so tests need no botocore stubs
        if _error_code(error) == "ConditionalCheckFailedException":
            return "older-than-stored"
        raise
    return "stored"


def make_handler(client_factory: Callable[[], Any], table_name: str, log: Log) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        # Set by the first failure in this batch. Every later record is left alone: Lambda resumes
        # from the lowest failed sequence number, so they come back in order on the retry, and
        # writing them now would apply a device's later readings before its earlier one.
        held_back_from: list[str] = []

        def record_handler(record: KinesisStreamRecord) -> str:
            if held_back_from:
                return "held-back"
            try:
                return store_reading(client_factory(), table_name, record)
            except Exception as error:
                held_back_from.append(record.kinesis.sequence_number)
                log(
                    {
                        "level": "ERROR",
                        "message": "reading not processed",
                        "sequenceNumber": record.kinesis.sequence_number,
                        "partitionKey": record.kinesis.partition_key,
                        "error": repr(error),
                    }
                )
                raise

        # Powertools' BatchProcessor handles records one after another, in the shard's order.
        return process_partial_response(event=event, record_handler=record_handler, processor=_processor, context=context)

    return handler


def _number(value: float) -> str:
    return json.dumps(value)


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return type(error).__name__


def _dynamodb() -> Any:
    global _client
    if _client is None:
        import boto3

        _client = boto3.client("dynamodb")
    return _client


handler = make_handler(_dynamodb, os.environ.get("LATEST_READINGS_TABLE", ""), lambda line: print(json.dumps(line)))
