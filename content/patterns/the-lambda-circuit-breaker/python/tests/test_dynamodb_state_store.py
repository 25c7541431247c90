from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from circuit_breaker import BreakerRecord
from dynamodb_state_store import DynamoDbStateStore, from_item, to_item

RECORD = BreakerRecord(state="HALF_OPEN", failure_count=0, success_count=1, open_until=5, trial_until=9, version=4)
NOW = int(datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc).timestamp() * 1000)


class FakeDynamoDB:
    """Records every request and answers with whatever the test queues up."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def _answer(self, name: str, request: dict[str, Any]) -> dict[str, Any]:
        self.sent.append((name, request))
        answer = self.answers.pop(0) if self.answers else {}
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_item(self, **request: Any) -> dict[str, Any]:
        return self._answer("GetItem", request)

    def put_item(self, **request: Any) -> dict[str, Any]:
        return self._answer("PutItem", request)


def test_round_trips_a_record_through_a_dynamodb_item() -> None:
    item = to_item("recommendations", RECORD, NOW)
    assert item["circuitId"] == {"S": "recommendations"}
    assert item["updatedAt"] == {"S": "2026-11-22T10:00:00.000Z"}
    assert from_item(item) == RECORD


def test_refuses_an_item_with_a_state_the_breaker_does_not_know() -> None:
    with pytest.raises(ValueError, match="Unknown circuit state"):
        from_item({"state": {"S": "AJAR"}})


def test_reads_the_circuit_with_a_strongly_consistent_get_item() -> None:
    client = FakeDynamoDB({"Item": to_item("recommendations", RECORD, NOW)})
    assert DynamoDbStateStore(client, "State", "recommendations").load() == RECORD
    name, request = client.sent[0]
    assert name == "GetItem"
    assert request["ConsistentRead"] is True
    assert request["Key"] == {"circuitId": {"S": "recommendations"}}


def test_reports_a_circuit_that_was_never_written_as_absent() -> None:
    assert DynamoDbStateStore(FakeDynamoDB({}), "State", "x").load() is None


def test_creates_the_item_only_if_it_does_not_exist_yet() -> None:
    client = FakeDynamoDB({})
    assert DynamoDbStateStore(client, "State", "x", lambda: NOW).save(BreakerRecord(state="HALF_OPEN", version=1), 0) is True
    name, request = client.sent[0]
    assert name == "PutItem"
    assert request["ConditionExpression"] == "attribute_not_exists(circuitId)"
    assert "ExpressionAttributeValues" not in request


def test_updates_the_item_only_if_nobody_changed_it_since_it_was_read() -> None:
    client = FakeDynamoDB({})
    DynamoDbStateStore(client, "State", "x").save(BreakerRecord(state="HALF_OPEN", version=5), 4)
    _, request = client.sent[0]
    assert request["ConditionExpression"] == "version = :expected"
    assert request["ExpressionAttributeValues"] == {":expected": {"N": "4"}}
    assert request["Item"]["version"] == {"N": "5"}


def test_answers_false_when_another_writer_got_there_first() -> None:
    refused = ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "PutItem")
    assert DynamoDbStateStore(FakeDynamoDB(refused), "State", "x").save(RECORD, 3) is False


def test_lets_other_errors_through_so_the_breaker_can_fail_open() -> None:
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "PutItem")
    with pytest.raises(ClientError, match="AccessDenied"):
        DynamoDbStateStore(FakeDynamoDB(denied), "State", "x").save(RECORD, 3)
