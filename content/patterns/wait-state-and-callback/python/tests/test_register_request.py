from typing import Any

import pytest
from botocore.exceptions import ClientError

from functions.register_request import (
    MAX_ACCESS_MINUTES,
    AccessRequest,
    DuplicateApproval,
    InvalidRequest,
    create_handler,
    dynamo_put_pending,
    notification,
    validate,
)

API_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com"
GOOD = {"requester": "alice", "resource": "prod-db:admin", "reason": "Fix the stuck migration", "durationMinutes": 30}


def event(request: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "approvalId": "req-0042",
        "startedAt": "2026-12-05T09:00:00.000Z",
        "expiresAt": "2026-12-06T09:00:00.000Z",
        "request": request,
        **extra,
    }


def test_lists_every_problem_with_a_request_at_once_and_refuses_it_as_invalid_request() -> None:
    with pytest.raises(InvalidRequest) as raised:
        validate(event({"requester": "alice smith", "resource": "", "durationMinutes": 0}, approvalId="has spaces"))
    # The class name is what Lambda reports as the error type, and what the state machine matches.
    assert type(raised.value).__name__ == "InvalidRequest"
    for field in ("execution name", "requester", "resource", "reason", "durationMinutes"):
        assert field in str(raised.value)


def test_accepts_access_windows_from_one_minute_to_eight_hours_and_nothing_else() -> None:
    assert validate(event({**GOOD, "durationMinutes": 1})).durationMinutes == 1
    assert validate(event({**GOOD, "durationMinutes": MAX_ACCESS_MINUTES})).durationMinutes == 480
    for minutes in (0, MAX_ACCESS_MINUTES + 1, 1.5, "30", None, True):
        with pytest.raises(InvalidRequest):
            validate(event({**GOOD, "durationMinutes": minutes}))


def test_copies_only_the_known_fields_so_nothing_else_reaches_the_table_or_the_message() -> None:
    request = validate(event({**GOOD, "reason": "  Fix it  ", "taskToken": "sneaked-in", "admin": True}))
    assert request == AccessRequest(
        approvalId="req-0042",
        requester="alice",
        resource="prod-db:admin",
        reason="Fix it",
        durationMinutes=30,
        requestedAt="2026-12-05T09:00:00.000Z",
        expiresAt="2026-12-06T09:00:00.000Z",
    )


def test_writes_both_instants_in_one_iso_form_so_dynamodb_can_compare_them_as_strings() -> None:
    request = validate(event(GOOD, startedAt="2026-12-05T09:00:00Z", expiresAt="2026-12-06T10:00:00+01:00"))
    assert request.requestedAt == "2026-12-05T09:00:00.000Z"
    assert request.expiresAt == "2026-12-06T09:00:00.000Z"
    for expires_at in ("tomorrow", "2026-12-06T09:00:00", 1765011600000):
        with pytest.raises(InvalidRequest):
            validate(event(GOOD, expiresAt=expires_at))


def test_tells_approvers_what_is_asked_by_when_and_where_to_decide_without_any_task_token() -> None:
    message = notification(validate(event(GOOD)), f"{API_URL}/")
    assert message["subject"] == "Access request from alice"
    body = message["message"]
    assert "alice asks for prod-db:admin for 30 minutes." in body
    assert "Reason: Fix the stuck migration" in body
    assert "Decide before: 2026-12-06T09:00:00.000Z" in body
    assert f"POST {API_URL}/approvals/req-0042\n" in body
    # The only mention of a token is the sentence saying there is none.
    assert body.lower().count("token") == 1


def test_keeps_the_subject_inside_the_100_characters_sns_allows() -> None:
    longest = validate(event({**GOOD, "requester": "r" * 32, "resource": "x" * 48}))
    assert len(notification(longest, API_URL)["subject"]) < 100


class RecordingDynamoDB:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.error = error

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return {}


def test_stores_the_request_as_pending_without_overwriting_an_earlier_request_of_the_same_id() -> None:
    client = RecordingDynamoDB()
    dynamo_put_pending(client, "Approvals")(validate(event(GOOD)))
    assert client.calls == [
        {
            "TableName": "Approvals",
            "Item": {
                "approvalId": {"S": "req-0042"},
                "status": {"S": "PENDING"},
                "requester": {"S": "alice"},
                "resource": {"S": "prod-db:admin"},
                "reason": {"S": "Fix the stuck migration"},
                "durationMinutes": {"N": "30"},
                "requestedAt": {"S": "2026-12-05T09:00:00.000Z"},
                "expiresAt": {"S": "2026-12-06T09:00:00.000Z"},
            },
            "ConditionExpression": "attribute_not_exists(approvalId) OR requestedAt = :requestedAt",
            "ExpressionAttributeValues": {":requestedAt": {"S": "2026-12-05T09:00:00.000Z"}},
        }
    ]


def test_turns_a_clash_with_an_earlier_request_into_duplicate_approval() -> None:
    clash = ClientError({"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}}, "PutItem")
    with pytest.raises(DuplicateApproval):
        dynamo_put_pending(RecordingDynamoDB(clash), "Approvals")(validate(event(GOOD)))


def test_stores_the_request_before_answering_with_it_and_the_approvers_message() -> None:
    stored: list[AccessRequest] = []
    result = create_handler(stored.append, API_URL)(event(GOOD))
    assert len(stored) == 1
    assert result["approvalId"] == "req-0042"
    assert result["notification"]["subject"] == "Access request from alice"


def test_stores_nothing_for_an_invalid_request() -> None:
    stored: list[AccessRequest] = []
    with pytest.raises(InvalidRequest):
        create_handler(stored.append, API_URL)(event({**GOOD, "durationMinutes": 9999}))
    assert stored == []
