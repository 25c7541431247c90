import json
import logging
from typing import Any

import pytest

from created_orders import accepts_created
from created_orders import handler as created_handler
from order_events import InvalidOrderEvent, Notification, OrderEvent, create_consumer, parse_notification, parse_order_event
from order_updates import accepts_update
from order_updates import handler as updates_handler

NEW_ORDER = {"orderId": "ord-1001", "status": "created", "total": 42.5}
SHIPPED = {"orderId": "ord-1001", "status": "shipped", "total": 42.5}
_FROM_BODY = object()


def envelope(message: Any, status: Any = _FROM_BODY, message_id: str = "sns-1") -> str:
    """The SQS body SNS writes when raw message delivery is off. Pass None as the status to leave the attribute out."""
    if status is _FROM_BODY:
        status = message["status"]
    body: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:OrderEvents",
        "Message": message if isinstance(message, str) else json.dumps(message),
        "Timestamp": "2026-11-22T10:00:00.000Z",
    }
    if status is not None:
        body["MessageAttributes"] = {"status": {"Type": "String", "Value": status}}
    return json.dumps(body)


def record(message_id: str, body: str) -> dict[str, Any]:
    return {"messageId": message_id, "body": body, "attributes": {"ApproximateReceiveCount": "1"}}


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def order(value: dict[str, Any]) -> OrderEvent:
    return OrderEvent(order_id=value["orderId"], status=value["status"], total=value["total"])


def test_reads_the_message_and_the_status_attribute_out_of_the_sns_envelope() -> None:
    assert parse_notification(envelope(NEW_ORDER)) == Notification(
        message_id="sns-1", message=json.dumps(NEW_ORDER), status_attribute="created"
    )


def test_reports_a_missing_status_attribute_as_none() -> None:
    assert parse_notification(envelope(NEW_ORDER, None)).status_attribute is None


def test_rejects_bodies_that_are_not_sns_notifications() -> None:
    with pytest.raises(InvalidOrderEvent):
        parse_notification("not json")
    # What a raw-delivery subscription would hand over: the bare order.
    with pytest.raises(InvalidOrderEvent):
        parse_notification(json.dumps(NEW_ORDER))
    with pytest.raises(InvalidOrderEvent):
        parse_notification(json.dumps({"Type": "SubscriptionConfirmation", "Message": "x"}))


def test_accepts_an_order_that_the_api_model_accepts() -> None:
    assert parse_order_event(json.dumps(NEW_ORDER)) == order(NEW_ORDER)
    assert parse_order_event('{"orderId":"A-1","status":"out_for_delivery","total":0}') == OrderEvent(
        order_id="A-1", status="out_for_delivery", total=0
    )


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("{", "not JSON"),
        (json.dumps([NEW_ORDER]), "not a JSON object"),
        (json.dumps({"status": "created", "total": 1}), "orderId"),
        (json.dumps({"orderId": "has spaces", "status": "created", "total": 1}), "orderId"),
        # Python's `$` would match before a trailing newline; the API model's pattern does not.
        (json.dumps({"orderId": "ord-1\n", "status": "created", "total": 1}), "orderId"),
        (json.dumps({"orderId": "ord-1", "total": 1}), "status"),
        (json.dumps({"orderId": "ord-1", "status": "Created", "total": 1}), "status"),
        (json.dumps({"orderId": "ord-1", "status": "created", "total": "1"}), "total"),
        (json.dumps({"orderId": "ord-1", "status": "created", "total": True}), "total"),
        (json.dumps({"orderId": "ord-1", "status": "created", "total": -0.01}), "total"),
    ],
)
def test_rejects_missing_or_malformed_fields_with_a_reason(message: str, reason: str) -> None:
    with pytest.raises(InvalidOrderEvent, match=reason):
        parse_order_event(message)


def test_processes_every_valid_record_and_reports_no_failures() -> None:
    seen: list[tuple[OrderEvent, str]] = []
    consume = create_consumer("test", lambda _status: True, lambda o, message_id: seen.append((o, message_id)))
    result = consume(batch(record("m1", envelope(NEW_ORDER, "created", "sns-a")), record("m2", envelope(SHIPPED, "shipped", "sns-b"))))
    assert result == {"batchItemFailures": []}
    assert seen == [(order(NEW_ORDER), "sns-a"), (order(SHIPPED), "sns-b")]


def error_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.ERROR]


def test_reports_exactly_the_records_that_failed_and_keeps_going_after_each(caplog: pytest.LogCaptureFixture) -> None:
    processed: list[str] = []

    def process(o: OrderEvent, _message_id: str) -> None:
        if o.order_id == "ord-boom":
            raise TimeoutError("downstream timeout")
        processed.append(o.order_id)

    consume = create_consumer("test", lambda status: status != "cancelled", process)
    result = consume(
        batch(
            record("ok-1", envelope(NEW_ORDER)),
            record("not-sns", json.dumps(NEW_ORDER)),
            record("bad-total", envelope({**NEW_ORDER, "total": "lots"}, "created")),
            record("attr-mismatch", envelope(NEW_ORDER, "shipped")),
            record("misrouted", envelope({**NEW_ORDER, "status": "cancelled"})),
            record("throws", envelope({**NEW_ORDER, "orderId": "ord-boom"})),
            record("ok-2", envelope({**SHIPPED, "orderId": "ord-1002"})),
        )
    )
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == ["not-sns", "bad-total", "attr-mismatch", "misrouted", "throws"]
    assert processed == ["ord-1001", "ord-1002"]
    errors = error_lines(caplog)
    assert [e.getMessage() for e in errors] == ["rejected order event"] * 4 + ["order event processing failed"]
    assert [getattr(e, "sqsMessageId") for e in errors] == ["not-sns", "bad-total", "attr-mismatch", "misrouted", "throws"]
    assert all(getattr(e, "consumer") == "test" and getattr(e, "receiveCount") == 1 for e in errors)


@pytest.mark.parametrize("status", ["created", "paid", "shipped", "cancelled", "created_draft"])
def test_accept_the_same_statuses_their_subscription_filters_let_through(status: str) -> None:
    assert accepts_created(status) == (status == "created")
    assert accepts_update(status) == (status != "created")


def info_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.INFO]


def test_the_created_orders_handler_logs_a_new_order_and_refuses_a_status_change(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    result = created_handler(batch(record("m1", envelope(NEW_ORDER)), record("m2", envelope(SHIPPED))), None)
    assert result["batchItemFailures"] == [{"itemIdentifier": "m2"}]
    (info,) = info_lines(caplog)
    assert [info.getMessage(), getattr(info, "orderId"), getattr(info, "total")] == ["new order accepted", "ord-1001", 42.5]


def test_the_order_updates_handler_logs_a_status_change_and_refuses_a_new_order(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    result = updates_handler(batch(record("m1", envelope(NEW_ORDER)), record("m2", envelope(SHIPPED))), None)
    assert result["batchItemFailures"] == [{"itemIdentifier": "m1"}]
    (info,) = info_lines(caplog)
    assert [info.getMessage(), getattr(info, "orderId"), getattr(info, "status")] == ["order status changed", "ord-1001", "shipped"]


