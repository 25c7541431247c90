"""Charges each payment request from the queue once, however often it is delivered.

Each record's payment goes through a Powertools idempotent function keyed on paymentId: the
first delivery charges and stores the charge, every later delivery inside the window gets the
stored charge back without charging again.
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import boto3
from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
from idempotency_settings import (
    IDEMPOTENCY_KEY_ATTRIBUTE,
    IDEMPOTENCY_KEY_PATH,
    IDEMPOTENCY_KEY_PREFIX,
    IDEMPOTENCY_TTL_ATTRIBUTE,
    IDEMPOTENCY_WINDOW_SECONDS,
    PAYLOAD_VALIDATION_PATH,
)
from payment_request import InvalidPaymentRequest, PaymentRequest, parse_payment_request

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# What charging a payment produced; stored in the idempotency record and handed back to every repeat.
Charge = dict[str, Any]
# The side effect that must happen once per paymentId.
ChargePayment = Callable[[PaymentRequest], Charge]
BatchHandler = Callable[[Mapping[str, Any], Any], dict[str, list[dict[str, str]]]]


def record_charge(client: Any, table_name: str, new_charge_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> ChargePayment:
    """Stand-in for a payment provider: every call is a new charge, recorded as its own item under
    the payment. It deliberately does no deduplication of its own, so the Payments table shows
    exactly what the idempotency layer let through."""

    def charge(payment: PaymentRequest) -> Charge:
        result: Charge = {**payment, "chargeId": new_charge_id(), "chargedAt": datetime.now(timezone.utc).isoformat()}
        client.put_item(
            TableName=table_name,
            Item={
                "paymentId": {"S": result["paymentId"]},
                "chargeId": {"S": result["chargeId"]},
                "customerId": {"S": result["customerId"]},
                "amount": {"N": str(result["amount"])},
                "currency": {"S": result["currency"]},
                "chargedAt": {"S": result["chargedAt"]},
            },
        )
        return result

    return charge


def idempotency_store(client: Any, table_name: str) -> DynamoDBPersistenceLayer:
    """The DynamoDB persistence layer exactly as the function uses it, on the table the stack builds."""
    return DynamoDBPersistenceLayer(
        table_name=table_name,
        boto3_client=client,
        key_attr=IDEMPOTENCY_KEY_ATTRIBUTE,
        expiry_attr=IDEMPOTENCY_TTL_ATTRIBUTE,
    )


def _mark_replayed(response: Any, _record: Any) -> Any:
    # Runs only when a stored result is returned: marks it, so the logs tell a repeat from a charge.
    return {**response, "replayed": True}


def _describe(error: Exception) -> str:
    """Every failure is retried by SQS; the log line says whether waiting can help."""
    if isinstance(error, InvalidPaymentRequest):
        return "rejected malformed payment request"
    if isinstance(error, IdempotencyValidationError):
        return "paymentId already used for a different charge; refused"
    if isinstance(error, IdempotencyAlreadyInProgressError):
        return "payment is being charged by another invocation; will retry"
    return "charging the payment failed; will retry"


def _receive_count(record: Mapping[str, Any]) -> int:
    return int((record.get("attributes") or {}).get("ApproximateReceiveCount", 0))


def create_charge_handler(persistence_store: BasePersistenceLayer, charge: ChargePayment) -> BatchHandler:
    """Builds the SQS batch handler around an idempotent version of `charge`."""
    config = IdempotencyConfig(
        event_key_jmespath=IDEMPOTENCY_KEY_PATH,
        payload_validation_jmespath=PAYLOAD_VALIDATION_PATH,
        expires_after_seconds=IDEMPOTENCY_WINDOW_SECONDS,
        # A payment without an id must fail, never run unprotected.
        raise_on_no_idempotency_key=True,
        response_hook=_mark_replayed,
    )

    def charge_payment(payment: PaymentRequest) -> Charge:
        return charge(payment)

    charge_once = idempotent_function(
        charge_payment,
        data_keyword_argument="payment",
        persistence_store=persistence_store,
        config=config,
        key_prefix=IDEMPOTENCY_KEY_PREFIX,
    )

    def handle(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
        # The in-progress lock then expires when this invocation would time out, not an hour later.
        config.register_lambda_context(context)
        failures: list[dict[str, str]] = []
        for record in event.get("Records", []):
            fields = {"sqsMessageId": record.get("messageId"), "receiveCount": _receive_count(record)}
            try:
                outcome = charge_once(payment=parse_payment_request(record.get("body", "")))
                message = "payment already charged; returned the stored charge" if outcome.get("replayed") else "payment charged"
                logger.info(message, extra={**fields, "paymentId": outcome["paymentId"], "chargeId": outcome["chargeId"]})
            except Exception as error:  # noqa: BLE001 - every failure is reported per record
                logger.error(_describe(error), extra={**fields, "error": f"{type(error).__name__}: {error}"})
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    return handle


@functools.lru_cache(maxsize=1)
def _live_handler() -> BatchHandler:
    """Built on the first invocation and reused: one client and one persistence layer per environment."""
    client = boto3.client("dynamodb")
    return create_charge_handler(
        idempotency_store(client, os.environ["IDEMPOTENCY_TABLE_NAME"]),
        record_charge(client, os.environ["PAYMENTS_TABLE_NAME"]),
    )


def handler(event: Mapping[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return _live_handler()(event, context)
