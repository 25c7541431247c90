"""Tallies one batch of rows of a large CSV upload into its totals, once per batch."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer, idempotent

from idempotency import BATCH_KEY, idempotency_config
from sales import dynamo_add_totals, tally

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def create_batch_handler(add_totals: Callable[..., None], persistence_store: BasePersistenceLayer) -> Handler:
    """A child execution that is retried, or run again by a redrive, finds the stored result instead of adding twice."""

    @idempotent(config=idempotency_config(BATCH_KEY), persistence_store=persistence_store)
    def process_batch(batch: dict[str, Any], context: Any) -> dict[str, Any]:
        batch_input = batch.get("BatchInput") or {}
        upload_id, object_key, items = batch_input.get("uploadId"), batch_input.get("objectKey"), batch.get("Items")
        if not upload_id or not object_key or not isinstance(items, list):
            raise ValueError("A batch must carry BatchInput.uploadId, BatchInput.objectKey and Items")
        totals = tally(items)
        add_totals(upload_id, object_key, totals, False)
        return {"uploadId": upload_id, **totals}

    return process_batch


_handler: Handler | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _handler
    if _handler is None:
        import boto3
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        _handler = create_batch_handler(
            dynamo_add_totals(boto3.client("dynamodb"), os.environ["TOTALS_TABLE_NAME"]),
            DynamoDBPersistenceLayer(table_name=os.environ["IDEMPOTENCY_TABLE_NAME"]),
        )
    return _handler(event, context)
