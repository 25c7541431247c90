"""Every name the order handler emits and the dashboard, alarms and saved queries read, in one module.

The handler and the stack both import it, so a renamed metric or log key changes both sides at
once instead of leaving an alarm watching a metric nobody publishes. Plain constants only:
importing this from the stack pulls no Powertools code into the synth.
"""

from typing import Literal

# CloudWatch namespace of the business metrics (POWERTOOLS_METRICS_NAMESPACE).
METRICS_NAMESPACE = "ServerlessCdkPatterns/Orders"

# Default POWERTOOLS_SERVICE_NAME: the `service` dimension of every metric and the `service` key of
# every log line. Override it with `-c serviceName=...` when a second copy of the stack shares an
# account and Region, or both copies would add up in the same metrics.
DEFAULT_SERVICE_NAME = "orders"

# The dimension Powertools adds to every metric, holding the service name.
SERVICE_DIMENSION = "service"


class OrderMetric:
    """One business metric per outcome of an order attempt, plus the value of placed orders."""

    PLACED = "OrdersPlaced"  # an order was stored: count 1
    VALUE = "OrderValue"  # the placed order's total in whole currency units (cents / 100)
    DECLINED = "PaymentDeclined"  # the payment stand-in declined the order: count 1
    REJECTED = "OrdersRejected"  # the request failed validation and was answered 400: count 1
    FAILED = "OrdersFailed"  # the order could not be saved and the caller got a 500: count 1


# Powertools' own cold-start metric, with the dimensions service and function_name.
COLD_START_METRIC = "ColdStart"
FUNCTION_NAME_DIMENSION = "function_name"

# Header a caller may send to choose the correlation id; it is echoed on every response.
CORRELATION_HEADER = "x-correlation-id"


class LogKey:
    """Log keys the saved queries and the dashboard's log widget filter on."""

    CORRELATION_ID = "correlation_id"
    API_REQUEST_ID = "api_request_id"
    OUTCOME = "outcome"
    ORDER_ID = "order_id"
    COLD_START = "cold_start"
    TRACE_ID = "xray_trace_id"


# The value of the `outcome` log key, the `outcome` trace annotation and the metric it drives.
Outcome = Literal["placed", "declined", "rejected", "failed"]
