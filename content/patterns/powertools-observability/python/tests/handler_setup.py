"""Fresh Powertools instances, a fake table and recorded traces for the handler tests."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional, TypeVar

import aws_lambda_powertools.logging.logger as powertools_logger
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics.provider import cold_start as metrics_cold_start

from place_order import Handler, SaveOrder, StoredOrder, Telemetry, create_handler

T = TypeVar("T")


@dataclass
class LambdaContext:
    function_name: str = "PlaceOrderFn"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:PlaceOrderFn"
    aws_request_id: str = "lambda-request-1"


CONTEXT = LambdaContext()

VALID_ORDER: dict[str, Any] = {
    "customerId": "customer-42",
    "paymentToken": "tok_visa",
    "items": [
        {"sku": "BOOK-1", "quantity": 2, "unitPriceCents": 1250},
        {"sku": "PEN-7", "quantity": 1, "unitPriceCents": 1250},
    ],
}


def request(body: Any, headers: Optional[dict[str, str]] = None, request_id: str = "api-request-1") -> dict[str, Any]:
    return {
        "rawPath": "/orders",
        "headers": headers or {},
        "body": body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
        "requestContext": {"requestId": request_id, "http": {"method": "POST", "path": "/orders"}},
    }


@dataclass
class RecordingTrace:
    annotations: dict[str, Any] = field(default_factory=dict)
    spans: list[str] = field(default_factory=list)

    def annotate(self, key: str, value: Any) -> None:
        self.annotations[key] = value

    def span(self, name: str, work: Callable[[], T]) -> T:
        self.spans.append(name)
        return work()


def new_execution_environment() -> None:
    """What a fresh Lambda execution environment gives Powertools: cold-start flags up, no configured logger."""
    powertools_logger.is_cold_start = True
    metrics_cold_start.is_cold_start = True
    Metrics().clear_metrics()


@dataclass
class Setup:
    handler: Handler
    saved: list[StoredOrder]
    trace: RecordingTrace


def set_up(
    service: str = "orders",
    namespace: str = "Test/Orders",
    level: str = "INFO",
    sampling_rate: float = 0,
    save: Optional[SaveOrder] = None,
) -> Setup:
    new_execution_environment()
    logging.Logger.manager.loggerDict.pop(service, None)
    saved: list[StoredOrder] = []
    trace = RecordingTrace()
    logger = Logger(service=service, level=level, sampling_rate=sampling_rate, stream=sys.stdout)
    metrics = Metrics(namespace=namespace, service=service)
    handler = create_handler(
        save or saved.append,
        Telemetry(logger=logger, metrics=metrics, trace=trace),
        new_order_id=lambda: "order-1",
        now=lambda: datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc),
    )
    return Setup(handler=handler, saved=saved, trace=trace)


def json_lines(output: str) -> list[dict[str, Any]]:
    """Every line the function wrote, parsed: Lambda ships them all to the function's log group."""
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def emf_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The embedded-metric-format lines among them, as the CloudWatch EMF specification describes them."""
    return [line for line in lines if "_aws" in line]


def log_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if "_aws" not in line]
