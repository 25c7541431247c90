from datetime import datetime, timezone
from typing import Any

from reading_processor import make_handler, store_reading
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord

from tests.records import ClientError, FakeDynamo, kinesis_record, reading

TABLE = "LatestReadings-table"


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=timezone.utc).timestamp() * 1000)  # type: ignore[misc]


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def seqs(dynamo: FakeDynamo) -> list[str]:
    return [c["ExpressionAttributeValues"][":seq"]["S"] for c in dynamo.calls]


def test_writes_the_newest_reading_of_a_device_only_if_it_is_newer_than_the_stored_one() -> None:
    dynamo = FakeDynamo()
    record = KinesisStreamRecord(kinesis_record("100", reading("fridge-7", 4.2, "2026-12-05T10:00:03Z")))
    assert store_reading(dynamo, TABLE, record) == "stored"
    assert dynamo.calls == [
        {
            "TableName": TABLE,
            "Key": {"deviceId": {"S": "fridge-7"}},
            "UpdateExpression": "SET temperature = :temperature, readAt = :readAt, readAtMs = :readAtMs, sequenceNumber = :seq",
            "ConditionExpression": "attribute_not_exists(readAtMs) OR readAtMs < :readAtMs",
            "ExpressionAttributeValues": {
                ":temperature": {"N": "4.2"},
                ":readAt": {"S": "2026-12-05T10:00:03Z"},
                ":readAtMs": {"N": str(ms(2026, 12, 5, 10, 0, 3))},
                ":seq": {"S": "100"},
            },
        }
    ]


def test_treats_a_reading_older_than_the_stored_one_or_delivered_twice_as_done() -> None:
    dynamo = FakeDynamo(lambda _: ClientError("ConditionalCheckFailedException"))
    record = KinesisStreamRecord(kinesis_record("101", reading("fridge-7", 3.9, "2026-12-05T09:59:00Z")))
    assert store_reading(dynamo, TABLE, record) == "older-than-stored"


def test_reports_exactly_the_sequence_number_of_one_bad_record_and_stores_the_readings_before_it() -> None:
    dynamo = FakeDynamo()
    logs: list[dict[str, Any]] = []
    handler = make_handler(lambda: dynamo, TABLE, logs.append)
    result = handler(
        batch(
            kinesis_record("201", reading("fridge-7", 4.1, "2026-12-05T10:00:00Z")),
            kinesis_record("202", reading("fridge-8", 5.0, "2026-12-05T10:00:01Z"), "fridge-8"),
            kinesis_record("203", '{"deviceId":"fridge-7","temperature":"warm"}'),
        )
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "203"}]}
    assert seqs(dynamo) == ["201", "202"]
    assert [line["sequenceNumber"] for line in logs] == ["203"]


def test_leaves_every_record_after_a_failure_for_the_retry_so_a_shard_is_applied_in_order() -> None:
    dynamo = FakeDynamo()
    handler = make_handler(lambda: dynamo, TABLE, lambda _: None)
    result = handler(
        batch(
            kinesis_record("301", reading("fridge-7", 4.0, "2026-12-05T10:00:00Z")),
            kinesis_record("302", "not json at all"),
            kinesis_record("303", reading("fridge-7", 4.4, "2026-12-05T10:00:10Z")),
            kinesis_record("304", reading("fridge-9", 2.0, "2026-12-05T10:00:11Z"), "fridge-9"),
        )
    )
    # Lambda resumes from the lowest reported sequence number, 302: 303 and 304 come back on the
    # retry, and were not written now, so fridge-7 never sees 303 before 302.
    assert result["batchItemFailures"] == [{"itemIdentifier": "302"}]
    assert seqs(dynamo) == ["301"]


def test_fails_a_record_whose_write_dynamodb_refuses_and_holds_back_the_rest_without_throwing() -> None:
    dynamo = FakeDynamo(lambda call: ClientError("ProvisionedThroughputExceededException") if call["ExpressionAttributeValues"][":seq"]["S"] == "401" else None)
    handler = make_handler(lambda: dynamo, TABLE, lambda _: None)
    result = handler(
        batch(
            kinesis_record("401", reading("fridge-7", 4.0, "2026-12-05T10:00:00Z")),
            kinesis_record("402", reading("fridge-7", 4.1, "2026-12-05T10:00:05Z")),
        )
    )
    assert result["batchItemFailures"] == [{"itemIdentifier": "401"}]
    assert dynamo.calls == []


def test_reports_a_batch_whose_only_record_is_bad_instead_of_throwing_and_starts_clean_on_the_next_batch() -> None:
    dynamo = FakeDynamo()
    handler = make_handler(lambda: dynamo, TABLE, lambda _: None)
    assert handler(batch(kinesis_record("501", "{}"))) == {"batchItemFailures": [{"itemIdentifier": "501"}]}
    assert handler(batch(kinesis_record("502", reading("fridge-7", 4.0, "2026-12-05T10:01:00Z")))) == {"batchItemFailures": []}
    assert len(dynamo.calls) == 1


def test_stores_a_late_reading_only_where_no_newer_one_is_kept_and_reports_it_as_done() -> None:
    stored: dict[str, int] = {}

    class Table:
        def update_item(self, **kwargs: Any) -> dict[str, Any]:
            device = kwargs["Key"]["deviceId"]["S"]
            when = int(kwargs["ExpressionAttributeValues"][":readAtMs"]["N"])
            if stored.get(device, -1) >= when:
                raise ClientError("ConditionalCheckFailedException")
            stored[device] = when
            return {}

    handler = make_handler(Table, TABLE, lambda _: None)
    result = handler(
        batch(
            kinesis_record("601", reading("fridge-7", 4.6, "2026-12-05T10:05:00Z")),
            kinesis_record("602", reading("fridge-7", 9.9, "2026-12-05T10:01:00Z")),
            kinesis_record("601", reading("fridge-7", 4.6, "2026-12-05T10:05:00Z")),
        )
    )
    assert result == {"batchItemFailures": []}
    assert stored["fridge-7"] == ms(2026, 12, 5, 10, 5)
