import logging
from typing import Any, Optional

import pytest
from botocore.exceptions import ClientError

from consumer import MalformedMessageError, PutOutcome, WebhookRecord, create_handler, dynamo_put_once, to_webhook_record


def message(message_id: str, body: str, api_request_id: Optional[str] = None) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "body": body,
        "attributes": {"SentTimestamp": "1795305600000"},
        "messageAttributes": {"apiRequestId": {"stringValue": api_request_id, "dataType": "String"}} if api_request_id else {},
    }


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


class FakeTable:
    """A stand-in for the table: remembers ids and refuses a second put, like the condition does."""

    def __init__(self) -> None:
        self.stored: dict[str, WebhookRecord] = {}

    def put_once(self, record: WebhookRecord) -> PutOutcome:
        if record.message_id in self.stored:
            return "duplicate"
        self.stored[record.message_id] = record
        return "created"


# toWebhookRecord


def test_keeps_the_body_as_received_the_sqs_send_time_and_the_api_request_id() -> None:
    assert to_webhook_record(message("m-1", '{"event":"order.paid", "id":7}', "req-1")) == WebhookRecord(
        message_id="m-1",
        payload='{"event":"order.paid", "id":7}',
        sent_at="2026-11-22T00:00:00.000Z",
        api_request_id="req-1",
    )


@pytest.mark.parametrize("body", ["not json", "[1,2]", "null", '"text"', "42"])
def test_rejects_bodies_that_are_not_a_json_object(body: str) -> None:
    with pytest.raises(MalformedMessageError):
        to_webhook_record(message("m", body))


# consumer handler


def test_stores_a_new_webhook_and_reports_no_failures(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    table = FakeTable()
    assert create_handler(table.put_once)(batch(message("m-1", '{"event":"signup"}'))) == {"batchItemFailures": []}
    assert table.stored["m-1"].payload == '{"event":"signup"}'
    (summary,) = [r for r in caplog.records if r.getMessage() == "batch done"]
    assert [getattr(summary, k) for k in ("received", "stored", "duplicate", "failed")] == [1, 1, 0, 0]


def test_treats_a_second_delivery_of_the_same_message_as_success_leaving_one_record() -> None:
    table = FakeTable()
    handler = create_handler(table.put_once)
    handler(batch(message("m-1", '{"event":"signup"}')))
    assert handler(batch(message("m-1", '{"event":"signup"}'))) == {"batchItemFailures": []}
    assert len(table.stored) == 1


def test_reports_only_the_malformed_message_as_a_batch_item_failure(caplog: pytest.LogCaptureFixture) -> None:
    table = FakeTable()
    result = create_handler(table.put_once)(batch(message("good-1", '{"a":1}'), message("bad", "{oops"), message("good-2", '{"b":2}')))
    assert result == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert list(table.stored) == ["good-1", "good-2"]
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert (error.getMessage(), getattr(error, "messageId"), getattr(error, "malformed")) == ("webhook not stored", "bad", True)


def test_reports_a_message_whose_write_fails_so_sqs_retries_just_that_one() -> None:
    def put_once(record: WebhookRecord) -> PutOutcome:
        if record.message_id == "slow":
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "throttled"}}, "PutItem")
        return "created"

    result = create_handler(put_once)(batch(message("ok", '{"a":1}'), message("slow", '{"a":2}')))
    assert result == {"batchItemFailures": [{"itemIdentifier": "slow"}]}


def test_writes_one_message_at_a_time() -> None:
    in_flight = 0
    peak = 0
    order: list[str] = []

    def put_once(record: WebhookRecord) -> PutOutcome:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        order.append(record.message_id)
        in_flight -= 1
        return "created"

    create_handler(put_once)(batch(message("1", '{"a":1}'), message("2", '{"a":2}'), message("3", '{"a":3}')))
    assert peak == 1
    assert order == ["1", "2", "3"]


# dynamoPutOnce

RECORD = WebhookRecord(message_id="m-1", payload='{"a":1}', sent_at="2026-11-22T00:00:00.000Z", api_request_id="req-1")


class FakeDynamoDB:
    def __init__(self, error: Optional[Exception] = None) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return {}


def test_puts_the_item_only_if_no_item_with_that_message_id_exists() -> None:
    client = FakeDynamoDB()
    assert dynamo_put_once(client, "messages")(RECORD) == "created"
    (call,) = client.calls
    assert call["TableName"] == "messages"
    assert call["ConditionExpression"] == "attribute_not_exists(messageId)"
    assert call["Item"]["messageId"] == {"S": "m-1"}
    assert call["Item"]["apiRequestId"] == {"S": "req-1"}
    assert call["Item"]["payload"] == {"S": '{"a":1}'}


def test_turns_a_failed_condition_into_a_duplicate_not_an_error() -> None:
    failed = ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "PutItem")
    assert dynamo_put_once(FakeDynamoDB(failed), "messages")(RECORD) == "duplicate"


def test_lets_every_other_dynamodb_error_through() -> None:
    slow = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutItem")
    with pytest.raises(ClientError, match="slow down"):
        dynamo_put_once(FakeDynamoDB(slow), "messages")(RECORD)
