"""Runs the ledger consumer's logic on real SQS FIFO records against an in-memory Accounts table."""

from __future__ import annotations

import json
import logging
from typing import Any, Optional

import pytest
from botocore.exceptions import ClientError

from functions.ledger_events import (
    InvalidLedgerEvent,
    LedgerEvent,
    SequenceGap,
    apply_event,
    create_handler,
    parse_ledger_event,
    update_for,
)


class FakeAccounts:
    """Honours the two condition expressions the consumer sends, and answers a refused condition
    the way DynamoDB does with ReturnValuesOnConditionCheckFailure=ALL_OLD."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.calls: list[dict[str, Any]] = []
        self.fail_next: Optional[Exception] = None

    def update_item(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        values = request["ExpressionAttributeValues"]
        account_id = request["Key"]["accountId"]["S"]
        current = self.items.get(account_id)
        condition = request["ConditionExpression"]
        if condition == "attribute_not_exists(accountId)":
            allowed = current is None
        elif condition == "lastSequence = :previous":
            allowed = current is not None and current["lastSequence"] == int(values[":previous"]["N"])
        else:
            pytest.fail(f"unexpected condition {condition}")
        if not allowed:
            response: dict[str, Any] = {"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}
            if current is not None:
                response["Item"] = {
                    "accountId": {"S": account_id},
                    "balance": {"N": str(current["balance"])},
                    "lastSequence": {"N": str(current["lastSequence"])},
                    "lastEventId": {"S": current["lastEventId"]},
                }
            raise ClientError(response, "UpdateItem")  # type: ignore[arg-type]
        self.items[account_id] = {
            "balance": (current["balance"] if current else 0) + int(values[":delta"]["N"]),
            "lastSequence": int(values[":sequence"]["N"]),
            "lastEventId": values[":eventId"]["S"],
        }
        return {}


def event(account_id: str, sequence: int, type_: str = "credit", amount: int = 100) -> dict[str, Any]:
    return {"accountId": account_id, "eventId": f"{account_id}-evt-{sequence}", "sequence": sequence, "type": type_, "amount": amount}


def record(message_id: str, body: Any, group: Optional[str] = None) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "body": body if isinstance(body, str) else json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "MessageGroupId": group if group is not None else body["accountId"],
            "MessageDeduplicationId": message_id,
        },
    }


def ledger(raw: dict[str, Any]) -> LedgerEvent:
    return LedgerEvent(**raw)


def test_accepts_an_event_that_the_api_model_accepts() -> None:
    valid = {"accountId": "acc-1001", "eventId": "evt_01J", "sequence": 7, "type": "debit", "amount": 2500}
    assert parse_ledger_event(json.dumps(valid)) == LedgerEvent(**valid)


def test_rejects_missing_or_malformed_fields_with_a_reason() -> None:
    good = event("acc-1", 1)
    cases: list[tuple[Any, str]] = [
        ("{", "not JSON"),
        ([good], "not a JSON object"),
        ({**good, "accountId": "has space"}, "accountId"),
        ({**good, "accountId": "acc-1\n"}, "accountId"),
        ({k: v for k, v in good.items() if k != "eventId"}, "eventId"),
        ({**good, "sequence": 0}, "sequence"),
        ({**good, "sequence": 1.5}, "sequence"),
        ({**good, "sequence": "2"}, "sequence"),
        ({**good, "sequence": True}, "sequence"),
        ({**good, "type": "refund"}, "type"),
        ({**good, "amount": 0}, "amount"),
        ({**good, "amount": 100_000_001}, "amount"),
        ({**good, "amount": 12.5}, "amount"),
    ]
    for value, reason in cases:
        body = value if isinstance(value, str) else json.dumps(value)
        with pytest.raises(InvalidLedgerEvent, match=reason):
            parse_ledger_event(body)


def test_creates_an_account_only_at_sequence_1_and_otherwise_requires_the_previous_sequence_number() -> None:
    assert update_for("Accounts", ledger(event("acc-1", 1, "credit", 500))) == {
        "TableName": "Accounts",
        "Key": {"accountId": {"S": "acc-1"}},
        "UpdateExpression": "SET balance = if_not_exists(balance, :zero) + :delta, lastSequence = :sequence, lastEventId = :eventId",
        "ConditionExpression": "attribute_not_exists(accountId)",
        "ExpressionAttributeValues": {
            ":zero": {"N": "0"},
            ":delta": {"N": "500"},
            ":sequence": {"N": "1"},
            ":eventId": {"S": "acc-1-evt-1"},
        },
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    later = update_for("Accounts", ledger(event("acc-1", 8, "debit", 200)))
    assert later["ConditionExpression"] == "lastSequence = :previous"
    assert later["ExpressionAttributeValues"][":previous"] == {"N": "7"}
    assert later["ExpressionAttributeValues"][":delta"] == {"N": "-200"}


def test_applies_events_in_sequence_and_ignores_a_replayed_or_older_sequence_number() -> None:
    table = FakeAccounts()
    assert apply_event(table, "Accounts", ledger(event("acc-1", 1, "credit", 1000))) == "applied"
    assert apply_event(table, "Accounts", ledger(event("acc-1", 2, "debit", 300))) == "applied"
    # The same events again, long after SQS's 5-minute deduplication window: nothing changes.
    assert apply_event(table, "Accounts", ledger(event("acc-1", 2, "debit", 300))) == "ignored-replay"
    assert apply_event(table, "Accounts", ledger(event("acc-1", 1, "credit", 1000))) == "ignored-replay"
    assert table.items["acc-1"] == {"balance": 700, "lastSequence": 2, "lastEventId": "acc-1-evt-2"}


def test_refuses_an_event_that_skips_a_sequence_number_leaving_the_account_unchanged() -> None:
    table = FakeAccounts()
    with pytest.raises(SequenceGap):
        apply_event(table, "Accounts", ledger(event("acc-9", 2)))
    apply_event(table, "Accounts", ledger(event("acc-9", 1, "credit", 50)))
    with pytest.raises(SequenceGap, match="is at sequence 1; event acc-9-evt-3 has 3"):
        apply_event(table, "Accounts", ledger(event("acc-9", 3)))
    assert table.items["acc-9"] == {"balance": 50, "lastSequence": 1, "lastEventId": "acc-9-evt-1"}


def test_passes_on_errors_other_than_a_refused_condition_so_the_message_is_retried() -> None:
    table = FakeAccounts()
    table.fail_next = ClientError(
        {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}},  # type: ignore[arg-type]
        "UpdateItem",
    )
    with pytest.raises(ClientError, match="Rate exceeded"):
        apply_event(table, "Accounts", ledger(event("acc-1", 1)))


def test_applies_each_group_in_order_after_a_failure_it_reports_the_rest_of_that_group_while_other_groups_continue(
    caplog: pytest.LogCaptureFixture,
) -> None:
    table = FakeAccounts()
    handler = create_handler(lambda e: apply_event(table, "Accounts", e))
    with caplog.at_level(logging.INFO):
        result = handler(
            {
                "Records": [
                    record("a1", event("acc-A", 1, "credit", 1000)),
                    record("b1", event("acc-B", 1, "credit", 40)),
                    record("a2", event("acc-A", 2, "debit", 250)),
                    record("a2-again", event("acc-A", 2, "debit", 250)),
                    record("a4", event("acc-A", 4, "credit", 5)),
                    record("b2", event("acc-B", 2, "debit", 15)),
                    record("a5", event("acc-A", 5, "credit", 5)),
                ]
            },
            None,
        )
    assert result == {"batchItemFailures": [{"itemIdentifier": "a4"}, {"itemIdentifier": "a5"}]}
    assert table.items["acc-A"] == {"balance": 750, "lastSequence": 2, "lastEventId": "acc-A-evt-2"}
    assert table.items["acc-B"] == {"balance": 25, "lastSequence": 2, "lastEventId": "acc-B-evt-2"}
    # a5 was never tried: applying it would have jumped past the failed a4.
    assert [c["ExpressionAttributeValues"][":eventId"]["S"] for c in table.calls] == [
        "acc-A-evt-1",
        "acc-B-evt-1",
        "acc-A-evt-2",
        "acc-A-evt-2",
        "acc-A-evt-4",
        "acc-B-evt-2",
    ]
    assert [(r.levelname, r.getMessage(), getattr(r, "sqsMessageId")) for r in caplog.records] == [
        ("INFO", "ledger event applied", "a1"),
        ("INFO", "ledger event applied", "b1"),
        ("INFO", "ledger event applied", "a2"),
        ("INFO", "ledger event ignored as a replay", "a2-again"),
        ("ERROR", "ledger event failed; its group waits", "a4"),
        ("INFO", "ledger event applied", "b2"),
        ("INFO", "held back behind a failed message of its group", "a5"),
    ]


def test_rejects_a_malformed_body_or_a_message_group_that_is_not_the_event_account_blocking_only_that_group(
    caplog: pytest.LogCaptureFixture,
) -> None:
    table = FakeAccounts()
    handler = create_handler(lambda e: apply_event(table, "Accounts", e))
    with caplog.at_level(logging.INFO):
        result = handler(
            {
                "Records": [
                    record("bad-json", "{", "acc-X"),
                    record("x1", event("acc-X", 1)),
                    record("wrong-group", event("acc-Y", 1), "acc-Z"),
                    record("y1", event("acc-Y", 1)),
                ]
            },
            None,
        )
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == ["bad-json", "x1", "wrong-group"]
    assert list(table.items) == ["acc-Y"]
    assert [getattr(r, "error") for r in caplog.records if r.levelname == "ERROR"] == [
        "InvalidLedgerEvent: body is not JSON",
        "InvalidLedgerEvent: message group id does not match accountId",
    ]
