from datetime import datetime, timezone
import json
from typing import Any, Callable, Optional, Union

from boto3.dynamodb.types import TypeSerializer

from outbox_relay import create_handler

BUS = "OrderBus-test"
_serializer = TypeSerializer()

Answer = Union[dict[str, Any], Exception, None]


def insert(n: int, **overrides: Any) -> dict[str, Any]:
    """An outbox INSERT record as the stream delivers it, numbered by sequence."""
    event_id = f"evt-{n}"
    item: dict[str, Any] = {
        "eventId": event_id,
        "aggregateId": f"o-{n}",
        "version": 1,
        "source": "outbox.orders",
        "eventType": "OrderPlaced",
        "detail": json.dumps({"eventId": event_id, "orderId": f"o-{n}", "version": 1}, separators=(",", ":")),
        "occurredAt": "2026-12-05T10:00:00.000Z",
        "expiresAt": 1_765_533_600,
        **overrides,
    }
    image = {k: _serializer.serialize(v) for k, v in item.items() if v is not None}
    return {
        "eventName": "INSERT",
        "dynamodb": {"Keys": {"eventId": {"S": event_id}}, "NewImage": image, "SequenceNumber": str(1000 + n)},
    }


def batch(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}


def span(count: int) -> list[dict[str, Any]]:
    return [insert(i) for i in range(count)]


class StubEvents:
    """An EventBridge client stand-in: records each PutEvents call and answers it as told (all accepted by default)."""

    def __init__(self, answer: Callable[[list[dict[str, Any]], int], Answer] = lambda _e, _c: None) -> None:
        self.calls: list[list[dict[str, Any]]] = []
        self._answer = answer

    def put_events(self, *, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803 - boto3's parameter name
        self.calls.append(Entries)
        result = self._answer(Entries, len(self.calls) - 1)
        if isinstance(result, Exception):
            raise result
        return result or {"FailedEntryCount": 0, "Entries": [{"EventId": f"eb-{i}"} for i in range(len(Entries))]}


def test_publishes_each_outbox_item_as_it_was_stored_with_the_outbox_id_as_the_event_id() -> None:
    stub = StubEvents()
    assert create_handler(stub, BUS)(batch([insert(7)]), None) == {"batchItemFailures": []}
    assert stub.calls == [
        [
            {
                "EventBusName": BUS,
                "Source": "outbox.orders",
                "DetailType": "OrderPlaced",
                "Detail": '{"eventId":"evt-7","orderId":"o-7","version":1}',
                "Time": datetime(2026, 12, 5, 10, 0, 0, tzinfo=timezone.utc),
            }
        ]
    ]
    assert json.loads(stub.calls[0][0]["Detail"])["eventId"] == "evt-7"


def test_puts_a_batch_on_the_bus_in_stream_order_at_most_ten_entries_per_call() -> None:
    stub = StubEvents()
    assert create_handler(stub, BUS)(batch(span(23)), None) == {"batchItemFailures": []}
    assert [len(c) for c in stub.calls] == [10, 10, 3]
    assert [json.loads(e["Detail"])["eventId"] for c in stub.calls for e in c] == [f"evt-{i}" for i in range(23)]


def test_reports_the_first_entry_put_events_rejected_as_a_batch_item_failure_and_publishes_nothing_after_it() -> None:
    lines: list[dict[str, Any]] = []

    # The second call (records 10-19) has records 13 and 16 refused.
    def answer(entries: list[dict[str, Any]], call: int) -> Optional[dict[str, Any]]:
        if call != 1:
            return None
        return {
            "FailedEntryCount": 2,
            "Entries": [
                {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"} if i in (3, 6) else {"EventId": f"eb-{i}"}
                for i in range(len(entries))
            ],
        }

    stub = StubEvents(answer)
    result = create_handler(stub, BUS, lines.append)(batch(span(25)), None)
    assert result == {"batchItemFailures": [{"itemIdentifier": "1013"}]}
    # Records 20-24 are left for the retry, which starts at record 13.
    assert len(stub.calls) == 2
    assert any(line["message"] == "PutEvents rejected entries" and line["failedEntryCount"] == 2 for line in lines)


def test_reports_the_first_record_of_the_chunk_when_the_put_events_call_itself_fails() -> None:
    stub = StubEvents(lambda _e, call: TimeoutError("connect ETIMEDOUT") if call == 0 else None)
    assert create_handler(stub, BUS)(batch(span(12)), None) == {"batchItemFailures": [{"itemIdentifier": "1000"}]}
    assert len(stub.calls) == 1


def test_publishes_the_records_before_an_unreadable_one_then_reports_the_unreadable_one() -> None:
    stub = StubEvents()
    records = [insert(0), insert(1), insert(2, detail=None), insert(3)]
    assert create_handler(stub, BUS)(batch(records), None) == {"batchItemFailures": [{"itemIdentifier": "1002"}]}
    assert [json.loads(e["Detail"])["eventId"] for c in stub.calls for e in c] == ["evt-0", "evt-1"]


def test_does_nothing_for_an_empty_batch() -> None:
    stub = StubEvents()
    assert create_handler(stub, BUS)(batch([]), None) == {"batchItemFailures": []}
    assert stub.calls == []
