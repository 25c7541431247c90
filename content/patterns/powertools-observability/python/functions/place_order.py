"""POST /orders: validate, authorize payment, store, and leave logs, metrics and a trace behind.

Every request ends in exactly one outcome, and each outcome leaves one log line, one business
metric and one trace annotation.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from order import OrderItem, authorize_payment, parse_order, total_cents
from telemetry import CORRELATION_HEADER, LogKey, OrderMetric, Outcome
from tracing import PowertoolsTrace, Trace

_CALLER_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass(frozen=True)
class StoredOrder:
    order_id: str
    customer_id: str
    items: list[OrderItem]
    total_cents: int
    correlation_id: str
    created_at: str


# The one DynamoDB call the handler makes, so tests can stand in for the table.
SaveOrder = Callable[[StoredOrder], None]


@dataclass
class Telemetry:
    logger: Any  # aws_lambda_powertools.Logger
    metrics: Any  # aws_lambda_powertools.Metrics
    trace: Trace


def correlation_id_of(event: dict[str, Any]) -> str:
    """The caller's x-correlation-id when it is a sane value, otherwise API Gateway's request id.

    A caller-chosen id lets a client, a support ticket and these logs share one key; an odd or
    oversized header is ignored rather than written into every log line.
    """
    sent = (event.get("headers") or {}).get(CORRELATION_HEADER)
    return sent if isinstance(sent, str) and _CALLER_ID.fullmatch(sent) else event["requestContext"]["requestId"]


def dynamo_saver(client: Any, table_name: str) -> SaveOrder:
    def save(order: StoredOrder) -> None:
        client.put_item(
            TableName=table_name,
            Item={
                "orderId": {"S": order.order_id},
                "customerId": {"S": order.customer_id},
                "totalCents": {"N": str(order.total_cents)},
                "items": {
                    "L": [
                        {"M": {"sku": {"S": i.sku}, "quantity": {"N": str(i.quantity)}, "unitPriceCents": {"N": str(i.unit_price_cents)}}}
                        for i in order.items
                    ]
                },
                "status": {"S": "PLACED"},
                "correlationId": {"S": order.correlation_id},
                "createdAt": {"S": order.created_at},
            },
            # A fresh UUID never collides in practice; the condition makes sure one never overwrites an order.
            ConditionExpression="attribute_not_exists(orderId)",
        )

    return save


def create_handler(
    save: SaveOrder,
    telemetry: Telemetry,
    new_order_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> Handler:
    logger, metrics, trace = telemetry.logger, telemetry.metrics, telemetry.trace
    # Imported here so the module loads without Powertools (the stack imports its neighbours).
    from aws_lambda_powertools.metrics import MetricUnit

    # inject_lambda_context adds the Lambda context and cold start to every line, re-rolls debug
    # sampling on warm starts, and (clear_state) drops the previous request's keys.
    # log_metrics writes one EMF line at the end and the ColdStart metric on a cold start.
    @logger.inject_lambda_context(clear_state=True)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        correlation_id = correlation_id_of(event)
        logger.set_correlation_id(correlation_id)
        logger.append_keys(**{LogKey.API_REQUEST_ID: event["requestContext"]["requestId"]})
        # Metadata rides in the EMF line as a plain field: searchable in Logs Insights, never a
        # dimension, so a unique id per request does not become a new metric (and a new bill) each time.
        metrics.add_metadata(key=LogKey.CORRELATION_ID, value=correlation_id)
        trace.annotate(LogKey.CORRELATION_ID, correlation_id)

        def finish(outcome: Outcome, status: int, body: dict[str, Any]) -> dict[str, Any]:
            trace.annotate(LogKey.OUTCOME, outcome)
            return {
                "statusCode": status,
                "headers": {"content-type": "application/json", CORRELATION_HEADER: correlation_id},
                "body": json.dumps(body),
            }

        parsed = parse_order(event.get("body"), bool(event.get("isBase64Encoded")))
        if isinstance(parsed, list):
            metrics.add_metric(name=OrderMetric.REJECTED, unit=MetricUnit.Count, value=1)
            logger.warning("order rejected", extra={LogKey.OUTCOME: "rejected", "errors": parsed})
            return finish("rejected", 400, {"message": "The order is not valid.", "errors": parsed})
        order = parsed
        total = total_cents(order.items)
        # Only sampled invocations (POWERTOOLS_LOGGER_SAMPLE_RATE) or LOG_LEVEL=DEBUG write this line.
        logger.debug("order received", extra={"item_count": len(order.items), "total_cents": total, "skus": [i.sku for i in order.items]})

        payment = trace.span("### authorize payment", lambda: authorize_payment(order.payment_token))
        if not payment.approved:
            metrics.add_metric(name=OrderMetric.DECLINED, unit=MetricUnit.Count, value=1)
            logger.warning("payment declined", extra={LogKey.OUTCOME: "declined", "reason": payment.reason, "total_cents": total})
            return finish("declined", 402, {"message": "The payment was declined.", "reason": payment.reason})

        order_id = new_order_id()
        stored = StoredOrder(
            order_id=order_id,
            customer_id=order.customer_id,
            items=order.items,
            total_cents=total,
            correlation_id=correlation_id,
            created_at=now().isoformat().replace("+00:00", "Z"),
        )
        try:
            trace.span("### save order", lambda: save(stored))
        except Exception as error:  # noqa: BLE001 - any failure to save becomes a plain 500
            metrics.add_metric(name=OrderMetric.FAILED, unit=MetricUnit.Count, value=1)
            # The cause goes to the log for operators; the caller gets no table names or SDK messages.
            logger.error(
                "order could not be saved",
                extra={LogKey.OUTCOME: "failed", "error": {"name": type(error).__name__, "message": str(error)}},
            )
            return finish("failed", 500, {"message": "The order could not be placed right now; please try again."})

        metrics.add_metric(name=OrderMetric.PLACED, unit=MetricUnit.Count, value=1)
        metrics.add_metric(name=OrderMetric.VALUE, unit=MetricUnit.NoUnit, value=total / 100)
        metrics.add_metadata(key=LogKey.ORDER_ID, value=order_id)
        trace.annotate(LogKey.ORDER_ID, order_id)
        logger.info(
            "order placed",
            extra={LogKey.OUTCOME: "placed", LogKey.ORDER_ID: order_id, "total_cents": total, "item_count": len(order.items)},
        )
        return finish("placed", 201, {"orderId": order_id, "status": "PLACED", "totalCents": total})

    return handle


_handler: Optional[Handler] = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Built once per execution environment. Service name, namespace, log level and debug sample
    # rate all come from the environment variables the stack sets.
    global _handler
    if _handler is None:
        import boto3
        from aws_lambda_powertools import Logger, Metrics, Tracer

        # Creating the Tracer patches boto3, so every DynamoDB call becomes its own subsegment.
        tracer = Tracer()
        telemetry = Telemetry(logger=Logger(), metrics=Metrics(), trace=PowertoolsTrace(tracer))
        save = dynamo_saver(boto3.client("dynamodb"), os.environ["ORDERS_TABLE_NAME"])
        # The "## handler" subsegment carries Powertools' ColdStart and Service annotations and ours.
        _handler = tracer.capture_lambda_handler(create_handler(save, telemetry))
    return _handler(event, context)
