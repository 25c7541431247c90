import json
from typing import Any

import pytest

from order import Order
from publisher import create_handler, sns_publisher
from tests.recording_trace import RecordingTrace

VALID = '{"orderId":"o-42","customerId":"c-7","total":1250,"currency":"USD"}'


def post(body: Any) -> dict[str, Any]:
    return {"body": body}


def test_publishes_a_valid_order_inside_its_own_span_and_returns_the_ids_including_the_trace_id() -> None:
    published: list[Order] = []
    trace = RecordingTrace()

    def publish(order: Order) -> str:
        published.append(order)
        return "msg-1"

    response = create_handler(publish, trace)(post(VALID))
    assert response["statusCode"] == 202
    assert json.loads(response["body"]) == {"orderId": "o-42", "messageId": "msg-1", "traceId": "1-6740a1b2-0123456789abcdef01234567"}
    assert published == [{"orderId": "o-42", "customerId": "c-7", "total": 1250, "currency": "USD"}]
    assert trace.spans == ["### publish order"]
    assert [(k, v) for _s, k, v in trace.annotations] == [("orderId", "o-42"), ("currency", "USD"), ("accepted", True)]


def test_answers_400_with_the_reasons_marks_the_trace_as_not_accepted_and_publishes_nothing() -> None:
    calls: list[Order] = []
    trace = RecordingTrace()
    response = create_handler(lambda order: calls.append(order) or "x", trace)(post('{"orderId":"o-1"}'))
    assert response["statusCode"] == 400
    assert len(json.loads(response["body"])["errors"]) >= 3
    assert trace.annotated("accepted") == [False]
    assert calls == []


def test_answers_500_without_leaking_the_sns_error(caplog: pytest.LogCaptureFixture) -> None:
    def publish(_order: Order) -> str:
        raise RuntimeError("AuthorizationError: arn:aws:sns:secret-topic")

    response = create_handler(publish, RecordingTrace())(post(VALID))
    assert response["statusCode"] == 500
    assert "secret-topic" not in response["body"]
    assert "publish failed" in caplog.text


class FakeSns:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def publish(self, **request: Any) -> dict[str, Any]:
        self.sent.append(request)
        return {"MessageId": "m-9"}


def test_sends_the_order_as_the_message_with_total_and_currency_as_filterable_attributes() -> None:
    client = FakeSns()
    message_id = sns_publisher(client, "arn:topic")({"orderId": "o-1", "customerId": "c-1", "total": 42.5, "currency": "GBP"})
    assert message_id == "m-9"
    assert client.sent == [
        {
            "TopicArn": "arn:topic",
            "Message": '{"orderId":"o-1","customerId":"c-1","total":42.5,"currency":"GBP"}',
            "MessageAttributes": {
                "total": {"DataType": "Number", "StringValue": "42.5"},
                "currency": {"DataType": "String", "StringValue": "GBP"},
            },
        }
    ]
