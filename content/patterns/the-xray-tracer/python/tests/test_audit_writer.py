from datetime import datetime, timezone
from typing import Any, Optional

from audit_writer import create_handler, dynamo_saver, to_audit_entry
from tests.recording_trace import RecordingTrace
from tracing import trace_root_of

HEADER = "Root=1-6740a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"


def record(message_id: str, body: str, header: Optional[str] = HEADER) -> dict[str, Any]:
    return {"messageId": message_id, "body": body, "attributes": {"SentTimestamp": "1795340000000", "AWSTraceHeader": header}}


def order(order_id: str) -> str:
    return f'{{"orderId":"{order_id}","customerId":"c-1","total":30,"currency":"EUR"}}'


def test_pulls_the_root_trace_id_out_of_the_aws_trace_header() -> None:
    assert trace_root_of(HEADER) == "1-6740a1b2-0123456789abcdef01234567"
    assert trace_root_of("Parent=1;Sampled=0") is None
    assert trace_root_of(None) is None


def test_keeps_the_order_the_message_id_the_send_time_and_the_trace_it_came_from() -> None:
    sent = datetime.fromtimestamp(1795340000, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert to_audit_entry(record("m-1", order("o-1"))) == {
        "orderId": "o-1",
        "customerId": "c-1",
        "total": 30,
        "currency": "EUR",
        "messageId": "m-1",
        "receivedAt": sent,
        "traceRoot": "1-6740a1b2-0123456789abcdef01234567",
    }


def test_saves_each_message_in_its_own_span_and_reports_only_the_failed_ones_for_retry() -> None:
    saved: list[str] = []
    trace = RecordingTrace()

    def save(entry: dict[str, Any]) -> None:
        if entry["orderId"] == "o-boom":
            raise RuntimeError("throttled")
        saved.append(entry["orderId"])

    event = {"Records": [record("m-1", order("o-1")), record("m-2", "garbage"), record("m-3", order("o-boom"))]}
    result = create_handler(save, trace)(event)
    assert saved == ["o-1"]
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-2"}, {"itemIdentifier": "m-3"}]}
    assert trace.spans == ["### audit order"] * 3
    # Annotations land on the per-message span, so each order can be found in X-Ray.
    assert [(s, v) for s, _k, v in trace.annotations] == [("### audit order", "o-1"), ("### audit order", "o-boom")]


class FakeDynamoDB:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def put_item(self, **request: Any) -> dict[str, Any]:
        self.sent.append(request)
        return {}


def test_puts_one_item_keyed_by_order_id_with_the_trace_root_when_there_is_one() -> None:
    client = FakeDynamoDB()
    entry = {
        "orderId": "o-1",
        "customerId": "c-1",
        "total": 30,
        "currency": "EUR",
        "messageId": "m-1",
        "receivedAt": "2026-11-22T10:00:00.000Z",
        "traceRoot": None,
    }
    dynamo_saver(client, "Audit")(entry)
    dynamo_saver(client, "Audit")({**entry, "traceRoot": "1-a-b"})
    assert client.sent[0]["TableName"] == "Audit"
    assert client.sent[0]["Item"]["orderId"] == {"S": "o-1"}
    assert client.sent[0]["Item"]["total"] == {"N": "30"}
    assert "traceRoot" not in client.sent[0]["Item"]
    assert client.sent[1]["Item"]["traceRoot"] == {"S": "1-a-b"}
