from datetime import datetime, timezone
from typing import Any

import pytest

from window_aggregator import flush, fold, make_handler, minute_of

from tests.records import SHARD, STREAM_ARN, ClientError, FakeDynamo, kinesis_record, reading

TABLE = "WindowTotals-table"
WINDOW = {"start": "2026-12-05T10:01:00Z", "end": "2026-12-05T10:02:00Z"}
WINDOW_START_MS = int(datetime(2026, 12, 5, 10, 1, tzinfo=timezone.utc).timestamp() * 1000)
NOW = datetime(2026, 12, 5, 10, 2, 1, tzinfo=timezone.utc)


def window_event(records: list[dict[str, Any]], state: Any, final: bool = False, terminated_early: bool = False) -> dict[str, Any]:
    return {
        "Records": records,
        "window": WINDOW,
        "state": state,
        "shardId": SHARD,
        "eventSourceARN": STREAM_ARN,
        "isFinalInvokeForWindow": final,
        "isWindowTerminatedEarly": terminated_early,
    }


def handler_with(client: Any, log: Any = lambda _: None) -> Any:
    return make_handler(lambda: client, TABLE, log, lambda: NOW)


def test_groups_readings_by_device_and_event_time_minute_counting_readings_from_an_already_closed_minute_as_late() -> None:
    state = fold(
        None,
        [
            kinesis_record("11", reading("fridge-7", 4.2, "2026-12-05T10:01:05Z")),
            kinesis_record("12", reading("fridge-7", 4.4, "2026-12-05T10:01:35Z")),
            # Taken at 10:00:50, arrived in the 10:01 window: late, and still counted in 10:00.
            kinesis_record("13", reading("fridge-7", 3.8, "2026-12-05T10:00:50Z")),
            kinesis_record("14", reading("fridge-8", -18.5, "2026-12-05T10:01:10Z"), "fridge-8"),
        ],
        SHARD,
        WINDOW_START_MS,
        lambda _: None,
    )
    assert state == {
        "segment": f"{SHARD}:11",
        "skipped": 0,
        "buckets": {
            "fridge-7|2026-12-05T10:01:00.000Z": {"readings": 2, "milliDegrees": 8600, "late": 0},
            "fridge-7|2026-12-05T10:00:00.000Z": {"readings": 1, "milliDegrees": 3800, "late": 1},
            "fridge-8|2026-12-05T10:01:00.000Z": {"readings": 1, "milliDegrees": -18500, "late": 0},
        },
    }
    assert minute_of(WINDOW_START_MS + 59_999) == "2026-12-05T10:01:00.000Z"


def test_skips_and_counts_unreadable_records_instead_of_failing_the_window() -> None:
    logs: list[dict[str, Any]] = []
    state = fold(None, [kinesis_record("21", "garbage"), kinesis_record("22", reading("fridge-7", 4, "2026-12-05T10:01:00Z"))], SHARD, WINDOW_START_MS, logs.append)
    assert state["skipped"] == 1
    assert state["segment"] == f"{SHARD}:22"
    assert logs[0]["sequenceNumber"] == "21"


def test_carries_the_state_across_invocations_and_writes_nothing_until_the_window_is_final() -> None:
    dynamo = FakeDynamo()
    handler = handler_with(dynamo)
    first = handler(window_event([kinesis_record("31", reading("fridge-7", 4.0, "2026-12-05T10:01:01Z"))], {}))
    second = handler(window_event([kinesis_record("32", reading("fridge-7", 5.0, "2026-12-05T10:01:31Z"))], first["state"]))
    assert dynamo.calls == []
    assert second == {
        "state": {
            "segment": f"{SHARD}:31",
            "skipped": 0,
            "buckets": {"fridge-7|2026-12-05T10:01:00.000Z": {"readings": 2, "milliDegrees": 9000, "late": 0}},
        }
    }

    last = handler(window_event([], second["state"], final=True))
    assert last == {"state": {"buckets": {}, "skipped": 0}}
    assert dynamo.calls == [
        {
            "TableName": TABLE,
            "Key": {"deviceId": {"S": "fridge-7"}, "minute": {"S": "2026-12-05T10:01:00.000Z"}},
            "UpdateExpression": "ADD readings :readings, temperatureSum :sum, lateReadings :late, segments :segments SET lastAddedAt = :now",
            "ConditionExpression": "attribute_not_exists(segments) OR NOT contains(segments, :segment)",
            "ExpressionAttributeValues": {
                ":readings": {"N": "2"},
                ":sum": {"N": "9"},
                ":late": {"N": "0"},
                ":segments": {"SS": [f"{SHARD}:31"]},
                ":segment": {"S": f"{SHARD}:31"},
                ":now": {"S": "2026-12-05T10:02:01.000Z"},
            },
        }
    ]


def test_folds_records_that_arrive_with_the_final_invocation_before_writing() -> None:
    dynamo = FakeDynamo()
    handler_with(dynamo)(window_event([kinesis_record("41", reading("fridge-7", 4.5, "2026-12-05T10:01:59Z"))], {}, final=True))
    assert [c["ExpressionAttributeValues"][":readings"]["N"] for c in dynamo.calls] == ["1"]
    assert dynamo.calls[0]["ExpressionAttributeValues"][":sum"] == {"N": "4.5"}


def test_writes_a_window_lambda_terminated_early_so_the_fresh_state_that_follows_adds_to_it() -> None:
    dynamo = FakeDynamo()
    handler = handler_with(dynamo)
    early = handler(window_event([kinesis_record("51", reading("fridge-7", 4.0, "2026-12-05T10:01:10Z"))], {}, terminated_early=True))
    rest = handler(window_event([kinesis_record("52", reading("fridge-7", 6.0, "2026-12-05T10:01:40Z"))], early["state"], final=True))
    assert rest == {"state": {"buckets": {}, "skipped": 0}}
    assert [(c["ExpressionAttributeValues"][":segment"]["S"], c["ExpressionAttributeValues"][":sum"]["N"]) for c in dynamo.calls] == [
        (f"{SHARD}:51", "4"),
        (f"{SHARD}:52", "6"),
    ]


def test_a_retried_final_invocation_adds_nothing_twice() -> None:
    # A table that applies the condition: a segment already in the row is refused.
    rows: dict[str, dict[str, Any]] = {}
    failed_once: list[bool] = []

    class Table:
        def update_item(self, **kwargs: Any) -> dict[str, Any]:
            key = f"{kwargs['Key']['deviceId']['S']}|{kwargs['Key']['minute']['S']}"
            values = kwargs["ExpressionAttributeValues"]
            row = rows.setdefault(key, {"readings": 0, "segments": set()})
            if values[":segment"]["S"] in row["segments"]:
                raise ClientError("ConditionalCheckFailedException")
            if kwargs["Key"]["deviceId"]["S"] == "fridge-9" and not failed_once:
                failed_once.append(True)
                raise ClientError("ThrottlingException")
            row["readings"] += int(values[":readings"]["N"])
            row["segments"].add(values[":segment"]["S"])
            return {}

    state = {
        "segment": f"{SHARD}:61",
        "skipped": 0,
        "buckets": {
            "fridge-7|2026-12-05T10:01:00.000Z": {"readings": 3, "milliDegrees": 12000, "late": 0},
            "fridge-9|2026-12-05T10:01:00.000Z": {"readings": 2, "milliDegrees": 4000, "late": 0},
        },
    }
    # The first attempt writes fridge-7, then fails on fridge-9: the invocation fails and Lambda retries it with the same state.
    with pytest.raises(ClientError):
        handler_with(Table())(window_event([], state, final=True))
    logs: list[dict[str, Any]] = []
    handler_with(Table(), logs.append)(window_event([], state, final=True))
    assert rows["fridge-7|2026-12-05T10:01:00.000Z"]["readings"] == 3
    assert rows["fridge-9|2026-12-05T10:01:00.000Z"]["readings"] == 2
    assert (logs[0]["added"], logs[0]["alreadyAdded"]) == (1, 1)


def test_writes_nothing_for_a_window_with_no_readable_records() -> None:
    dynamo = FakeDynamo()
    assert flush(dynamo, TABLE, {"buckets": {}, "skipped": 2}, "2026-12-05T10:02:01.000Z") == {"added": 0, "alreadyAdded": 0}
    assert dynamo.calls == []
