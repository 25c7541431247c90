import json
from typing import Any

import pytest

from place_order import StoredOrder, dynamo_saver
from tests.handler_setup import CONTEXT, VALID_ORDER, emf_lines, json_lines, log_lines, request, set_up


@pytest.fixture(autouse=True)
def on_demand_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    # Powertools counts a cold start only for on-demand environments; Lambda sets this variable.
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    monkeypatch.delenv("POWERTOOLS_DEV", raising=False)


def test_emits_orders_placed_and_order_value_as_embedded_metric_format(capsys: pytest.CaptureFixture[str]) -> None:
    setup = set_up(namespace="Test/Orders", service="orders")
    response = setup.handler(request(VALID_ORDER, {"x-correlation-id": "checkout-123"}), CONTEXT)
    assert response["statusCode"] == 201
    assert len(setup.saved) == 1
    business = next(line for line in emf_lines(json_lines(capsys.readouterr().out)) if "OrdersPlaced" in line)
    [directive] = business["_aws"]["CloudWatchMetrics"]
    assert isinstance(business["_aws"]["Timestamp"], int)
    assert directive["Namespace"] == "Test/Orders"
    assert directive["Dimensions"] == [["service"]]
    assert directive["Metrics"] == [{"Name": "OrdersPlaced", "Unit": "Count"}, {"Name": "OrderValue", "Unit": "None"}]
    # The values sit at the top level of the same line, next to the dimension value.
    assert business["service"] == "orders"
    assert business["OrdersPlaced"] == [1.0]
    assert business["OrderValue"] == [37.5]
    # Ids travel as metadata: searchable in the log line, never a dimension.
    assert business["correlation_id"] == "checkout-123"
    assert business["order_id"] == "order-1"


def test_writes_a_json_log_line_with_the_correlation_id_request_ids_trace_id_and_cold_start(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = set_up()
    # Lambda sets this for every invocation; Powertools copies its root into xray_trace_id.
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-6750a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1")
    setup.handler(request(VALID_ORDER, {"x-correlation-id": "checkout-123"}), CONTEXT)
    first = log_lines(json_lines(capsys.readouterr().out))
    monkeypatch.delenv("_X_AMZN_TRACE_ID")
    setup.handler(request(VALID_ORDER, {}, "api-request-2"), CONTEXT)
    second = log_lines(json_lines(capsys.readouterr().out))
    placed = next(line for line in first if line["message"] == "order placed")
    assert placed["level"] == "INFO"
    assert placed["service"] == "orders"
    assert placed["correlation_id"] == "checkout-123"
    assert placed["api_request_id"] == "api-request-1"
    assert placed["function_request_id"] == "lambda-request-1"
    assert placed["function_name"] == "PlaceOrderFn"
    assert placed["cold_start"] is True
    assert placed["outcome"] == "placed"
    assert placed["order_id"] == "order-1"
    assert placed["total_cents"] == 3750
    assert placed["xray_trace_id"] == "1-6750a1b2-0123456789abcdef01234567"
    again = next(line for line in second if line["message"] == "order placed")
    assert again["cold_start"] is False
    # Without a header the API Gateway request id is the correlation id; nothing carries over.
    assert again["correlation_id"] == "api-request-2"


def test_takes_the_correlation_id_from_the_header_echoes_it_and_ignores_a_malformed_one() -> None:
    handler = set_up().handler
    assert handler(request(VALID_ORDER, {"x-correlation-id": "checkout-123"}), CONTEXT)["headers"]["x-correlation-id"] == "checkout-123"
    odd = handler(request(VALID_ORDER, {"x-correlation-id": "bad id with spaces"}, "api-request-9"), CONTEXT)
    assert odd["headers"]["x-correlation-id"] == "api-request-9"
    long = handler(request(VALID_ORDER, {"x-correlation-id": "x" * 65}, "api-request-10"), CONTEXT)
    assert long["headers"]["x-correlation-id"] == "api-request-10"


def test_declines_a_payment_with_402_counts_payment_declined_and_stores_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    setup = set_up()
    response = setup.handler(request({**VALID_ORDER, "paymentToken": "tok_declined"}), CONTEXT)
    assert response["statusCode"] == 402
    assert json.loads(response["body"])["reason"] == "card_declined"
    assert setup.saved == []
    lines = json_lines(capsys.readouterr().out)
    emf = next(line for line in emf_lines(lines) if "PaymentDeclined" in line)
    assert emf["PaymentDeclined"] == [1.0]
    assert "OrdersPlaced" not in emf
    warning = next(line for line in log_lines(lines) if line["message"] == "payment declined")
    assert warning["level"] == "WARNING"
    assert warning["reason"] == "card_declined"
    assert setup.trace.annotations["outcome"] == "declined"


def test_rejects_an_invalid_order_with_400_listing_every_problem_and_counts_orders_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    setup = set_up()
    response = setup.handler(request({"customerId": "", "items": [{"sku": "A", "quantity": 0, "unitPriceCents": 1.5}]}), CONTEXT)
    assert response["statusCode"] == 400
    assert len(json.loads(response["body"])["errors"]) == 4
    assert setup.saved == []
    emf = next(line for line in emf_lines(json_lines(capsys.readouterr().out)) if "OrdersRejected" in line)
    assert emf["OrdersRejected"] == [1.0]


def test_answers_500_without_leaking_the_cause_logs_it_at_error_and_counts_orders_failed(capsys: pytest.CaptureFixture[str]) -> None:
    def failing(_order: StoredOrder) -> None:
        raise RuntimeError("ProvisionedThroughputExceededException: table secret-orders-table")

    setup = set_up(save=failing)
    response = setup.handler(request(VALID_ORDER, {"x-correlation-id": "checkout-500"}), CONTEXT)
    assert response["statusCode"] == 500
    assert "secret-orders-table" not in response["body"] and "Provisioned" not in response["body"]
    lines = json_lines(capsys.readouterr().out)
    error = next(line for line in log_lines(lines) if line["level"] == "ERROR")
    assert error["message"] == "order could not be saved"
    assert error["correlation_id"] == "checkout-500"
    assert "secret-orders-table" in error["error"]["message"]
    assert next(line for line in emf_lines(lines) if "OrdersFailed" in line)["OrdersFailed"] == [1.0]


def test_emits_the_cold_start_metric_once_per_execution_environment_with_the_function_name(capsys: pytest.CaptureFixture[str]) -> None:
    setup = set_up()
    setup.handler(request(VALID_ORDER), CONTEXT)
    first = emf_lines(json_lines(capsys.readouterr().out))
    setup.handler(request(VALID_ORDER), CONTEXT)
    second = emf_lines(json_lines(capsys.readouterr().out))
    cold_start = next(line for line in first if "ColdStart" in line)
    assert cold_start["ColdStart"] == [1.0]
    assert cold_start["function_name"] == "PlaceOrderFn"
    assert [sorted(d) for d in cold_start["_aws"]["CloudWatchMetrics"][0]["Dimensions"]] == [["function_name", "service"]]
    assert not any("ColdStart" in line for line in second)


@pytest.mark.parametrize(("level", "sampling_rate", "expected"), [("INFO", 0, 0), ("INFO", 1, 2), ("DEBUG", 0, 2)])
def test_writes_debug_detail_only_when_the_log_level_or_the_sample_rate_lets_it_through(
    capsys: pytest.CaptureFixture[str], level: str, sampling_rate: float, expected: int
) -> None:
    # Two calls: the constructor rolls the sampling for the first, the decorator re-rolls it for the second.
    setup = set_up(level=level, sampling_rate=sampling_rate)
    setup.handler(request(VALID_ORDER), CONTEXT)
    setup.handler(request(VALID_ORDER), CONTEXT)
    debug = [line for line in log_lines(json_lines(capsys.readouterr().out)) if line.get("message") == "order received"]
    assert len(debug) == expected


def test_annotates_the_trace_with_correlation_id_outcome_and_order_id_and_spans_payment_and_save() -> None:
    setup = set_up()
    setup.handler(request(VALID_ORDER, {"x-correlation-id": "checkout-123"}), CONTEXT)
    assert setup.trace.annotations == {"correlation_id": "checkout-123", "order_id": "order-1", "outcome": "placed"}
    assert setup.trace.spans == ["### authorize payment", "### save order"]


class FakeDynamoDB:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {}


def test_puts_the_order_with_a_condition_that_never_overwrites_an_existing_one() -> None:
    from order import OrderItem

    client = FakeDynamoDB()
    dynamo_saver(client, "Orders")(
        StoredOrder(
            order_id="order-1",
            customer_id="customer-42",
            items=[OrderItem(sku="BOOK-1", quantity=2, unit_price_cents=1250)],
            total_cents=2500,
            correlation_id="checkout-123",
            created_at="2026-12-05T10:00:00Z",
        )
    )
    [call] = client.calls
    assert call["TableName"] == "Orders"
    assert call["ConditionExpression"] == "attribute_not_exists(orderId)"
    assert call["Item"]["totalCents"] == {"N": "2500"}
    assert call["Item"]["items"] == {"L": [{"M": {"sku": {"S": "BOOK-1"}, "quantity": {"N": "2"}, "unitPriceCents": {"N": "1250"}}}]}
    assert call["Item"]["status"] == {"S": "PLACED"}
