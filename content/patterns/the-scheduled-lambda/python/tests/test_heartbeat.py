import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from heartbeat import Beat, InvalidInput, ScheduleInput, WriteResult, create_handler, dynamo_writer, parse_input, to_beat, transaction

INPUT = {
    "scheduledTime": "2026-11-22T10:05:00Z",
    "executionId": "exec-1",
    "attemptNumber": "1",
    "scheduleArn": "arn:aws:scheduler:eu-west-1:111122223333:schedule/default/EveryFiveMinutes",
}


@dataclass
class Context:
    aws_request_id: str = "req-1"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def cancelled(code: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": code}, {"Code": "None"}],
        },
        "TransactWriteItems",
    )


# parseInput


def test_normalises_the_scheduled_time_and_turns_the_attempt_number_into_a_number() -> None:
    assert parse_input(INPUT) == ScheduleInput(
        scheduled_time="2026-11-22T10:05:00.000Z",
        execution_id="exec-1",
        attempt_number=1,
        schedule_arn=INPUT["scheduleArn"],
    )


@pytest.mark.parametrize(
    "event", [{}, {"scheduledTime": "yesterday"}, {**INPUT, "attemptNumber": "0"}, {**INPUT, "attemptNumber": "1.5"}, None, "text"]
)
def test_rejects_a_missing_or_unparsable_scheduled_time_and_a_bad_attempt_number(event: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_input(event)


# toBeat


def test_records_the_lag_behind_the_scheduled_time_and_expires_the_item_seven_days_after_it() -> None:
    beat = to_beat(parse_input(INPUT), at("2026-11-22T10:06:30.250Z"), "req-1")
    assert beat.lag_ms == 90_250
    assert beat.expires_at == int(at("2026-11-29T10:05:00Z").timestamp())
    assert beat.started_at == "2026-11-22T10:06:30.250Z"


def test_never_reports_a_negative_lag_when_invoked_before_the_scheduled_time_by_hand() -> None:
    assert to_beat(parse_input(INPUT), at("2026-11-22T10:00:00Z"), "r").lag_ms == 0


# transaction


def test_writes_the_heartbeat_only_if_absent_and_counts_the_run_in_the_summary_item() -> None:
    beat = to_beat(parse_input(INPUT), at("2026-11-22T10:05:30Z"), "req-1")
    put, update = (item.get("Put") or item.get("Update") for item in transaction("tbl", beat)["TransactItems"])
    assert put["ConditionExpression"] == "attribute_not_exists(pk)"
    assert put["Item"]["pk"] == {"S": "heartbeat"}
    assert put["Item"]["sk"] == {"S": "2026-11-22T10:05:00.000Z"}
    assert put["Item"]["expiresAt"] == {"N": str(beat.expires_at)}
    assert update["Key"] == {"pk": {"S": "summary"}, "sk": {"S": "latest"}}
    assert update["UpdateExpression"].startswith("ADD runs :one SET ")
    # The summary is the one item TTL must never remove.
    assert "expiresAt" not in json.dumps(update)
    assert update["TableName"] == "tbl"


# dynamoWriter

BEAT = to_beat(parse_input(INPUT), at("2026-11-22T10:05:30Z"), "req-1")


class FakeDynamoDB:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def transact_write_items(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return {}


def test_sends_one_transact_write_items_call_and_reports_it_written() -> None:
    client = FakeDynamoDB()
    assert dynamo_writer(client, "tbl")(BEAT) == "written"
    assert client.calls == [transaction("tbl", BEAT)]


def test_treats_a_failed_condition_on_the_heartbeat_as_a_repeated_delivery_not_an_error() -> None:
    assert dynamo_writer(FakeDynamoDB(cancelled("ConditionalCheckFailed")), "tbl")(BEAT) == "duplicate"


def test_lets_every_other_failure_through_so_the_run_is_retried() -> None:
    with pytest.raises(ClientError):
        dynamo_writer(FakeDynamoDB(cancelled("ThrottlingError")), "tbl")(BEAT)
    throttled = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "TransactWriteItems")
    with pytest.raises(ClientError):
        dynamo_writer(FakeDynamoDB(throttled), "tbl")(BEAT)


# handler


def test_writes_one_beat_per_run_with_the_request_id_and_reports_the_outcome(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    beats: list[Beat] = []

    def write(beat: Beat) -> WriteResult:
        beats.append(beat)
        return "written" if len(beats) == 1 else "duplicate"

    handler = create_handler(write, lambda: at("2026-11-22T10:05:40Z"))
    assert handler(INPUT, Context()) == {"result": "written", "scheduledTime": "2026-11-22T10:05:00.000Z", "lagMs": 40_000}
    assert handler(INPUT, Context())["result"] == "duplicate"
    assert beats[0].request_id == "req-1"
    assert beats[0].execution_id == "exec-1"
    assert [r.getMessage() for r in caplog.records] == ["heartbeat written", "heartbeat duplicate"]
    assert getattr(caplog.records[0], "lag_ms") == 40_000


def test_throws_on_bad_input_without_touching_the_table() -> None:
    calls: list[Beat] = []

    def write(beat: Beat) -> WriteResult:
        calls.append(beat)
        return "written"

    with pytest.raises(InvalidInput):
        create_handler(write)({"hello": "world"}, Context())
    assert calls == []


def test_stamps_the_start_time_in_utc_by_default() -> None:
    beats: list[Beat] = []

    def write(beat: Beat) -> WriteResult:
        beats.append(beat)
        return "written"

    create_handler(write)(INPUT, Context())
    assert beats[0].started_at.endswith("Z")
    assert at(beats[0].started_at) <= datetime.now(timezone.utc)
