"""Tallies one small CSV upload into its totals, once per upload."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer, idempotent

from idempotency import SMALL_FILE_KEY, idempotency_config
from sales import dynamo_add_totals, object_key_of, parse_csv, tally, upload_id_of

logger = logging.getLogger()
logger.setLevel(logging.INFO)

ReadObject = Callable[[str, str], str]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def s3_read_object(client: Any) -> ReadObject:
    def read(bucket: str, key: str) -> str:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")

    return read


def create_small_file_handler(read_object: ReadObject, add_totals: Callable[..., None], persistence_store: BasePersistenceLayer) -> Handler:
    """A redelivered event finds the stored result and returns it without reading or writing anything."""

    @idempotent(config=idempotency_config(SMALL_FILE_KEY), persistence_store=persistence_store)
    def process_file(event: dict[str, Any], context: Any) -> dict[str, Any]:
        detail = event.get("detail") or {}
        bucket, obj = detail.get("bucket") or {}, detail.get("object") or {}
        # Powertools only refuses an event when every key field is missing; a partial key must not pass either.
        if not bucket.get("name") or not obj.get("key") or not obj.get("sequencer"):
            raise ValueError("Not an S3 Object Created event: bucket, key or sequencer missing")
        upload_id = upload_id_of(detail)
        key = object_key_of(obj["key"])
        totals = tally(parse_csv(read_object(bucket["name"], key)))
        add_totals(upload_id, key, totals, True)
        logger.info(json.dumps({"message": "file processed", "uploadId": upload_id, **totals}))
        return {"uploadId": upload_id, **totals}

    return process_file


_handler: Handler | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connections.
    global _handler
    if _handler is None:
        import boto3
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        _handler = create_small_file_handler(
            s3_read_object(boto3.client("s3")),
            dynamo_add_totals(boto3.client("dynamodb"), os.environ["TOTALS_TABLE_NAME"]),
            DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"]),
        )
    return _handler(event, context)
