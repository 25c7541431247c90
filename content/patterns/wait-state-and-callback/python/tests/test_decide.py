import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError

from functions.decide import (
    ApprovalStore,
    ClaimResult,
    DecisionRecord,
    DynamoApprovalStore,
    SendDecision,
    create_handler,
    sfn_send_decision,
)

ALICE = "arn:aws:sts::111122223333:assumed-role/Approvers/alice"
BOB = "arn:aws:sts::111122223333:assumed-role/Approvers/bob"
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)
NOW_ISO = "2026-12-05T10:00:00.000Z"


def call(approval_id: str, body: Any, user_arn: str | None = ALICE) -> dict[str, Any]:
    return {
        "pathParameters": {"approvalId": approval_id},
        "body": body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
        "requestContext": {"authorizer": None if user_arn is None else {"iam": {"userArn": user_arn}}},
    }


def client_error(code: str, operation: str, **response: Any) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, **response}, operation)  # type: ignore[arg-type]


class FakeStore:
    """An in-memory approvals table with the same rules as the conditional writes in DynamoApprovalStore."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def claim(self, approval_id: str, r: DecisionRecord) -> ClaimResult:
        item = self.items.get(approval_id)
        if item is None:
            return {"kind": "missing"}
        if item["status"] == "PENDING" and item.get("taskToken") and item["expiresAt"] > r.decidedAt:
            token = item["taskToken"]
            self.items[approval_id] = {
                "status": "APPROVED" if r.decision == "approve" else "REJECTED",
                "expiresAt": item["expiresAt"],
                "decision": r.decision,
                "decidedBy": r.decidedBy,
                "decidedAt": r.decidedAt,
            }
            return {"kind": "claimed", "taskToken": token}
        if item["status"] == "EXPIRED" or (item["status"] == "PENDING" and item["expiresAt"] <= r.decidedAt):
            return {"kind": "expired"}
        if item["status"] == "PENDING":
            return {"kind": "not-ready"}
        return {"kind": "decided", "decision": item["decision"], "decidedBy": item["decidedBy"], "decidedAt": item["decidedAt"]}

    def mark_expired(self, approval_id: str, r: DecisionRecord) -> None:
        item = self.items[approval_id]
        if item.get("decidedAt") == r.decidedAt and item.get("decidedBy") == r.decidedBy:
            item["status"] = "EXPIRED"

    def release(self, approval_id: str, task_token: str, r: DecisionRecord) -> None:
        item = self.items[approval_id]
        if item.get("decidedAt") == r.decidedAt and item.get("decidedBy") == r.decidedBy:
            self.items[approval_id] = {"status": "PENDING", "taskToken": task_token, "expiresAt": item["expiresAt"]}


def pending(token: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"status": "PENDING", "expiresAt": "2026-12-06T09:00:00.000Z"}
    if token:
        item["taskToken"] = token
    return item


class Harness:
    def __init__(self) -> None:
        self.store = FakeStore()
        self.sent: list[tuple[str, DecisionRecord]] = []
        self.clock = NOW
        self.outcome = "delivered"

    def send(self, token: str, record: DecisionRecord) -> str:
        self.sent.append((token, record))
        return self.outcome

    def handler(self, store: ApprovalStore | None = None, send: SendDecision | None = None) -> Any:
        return create_handler(store or self.store, send or self.send, lambda: self.clock)


@pytest.fixture
def h() -> Harness:
    return Harness()


def body(response: dict[str, Any]) -> dict[str, Any]:
    return json.loads(response["body"])


def test_approves_a_pending_request_with_send_task_success_recording_the_iam_caller_as_the_approver(h: Harness) -> None:
    h.store.items["req-1"] = pending("token-1")
    response = h.handler()(call("req-1", {"decision": "approve", "comment": "ok for the migration"}))
    assert response["statusCode"] == 200
    assert h.sent == [("token-1", DecisionRecord(decision="approve", decidedBy=ALICE, decidedAt=NOW_ISO, comment="ok for the migration"))]
    assert body(response) == {"approvalId": "req-1", "decision": "approve", "status": "APPROVED", "decidedBy": ALICE, "decidedAt": NOW_ISO}
    # The token is used once and leaves the table with the claim.
    assert "taskToken" not in h.store.items["req-1"]


class RecordingSfn:
    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.error = error

    def send_task_success(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("send_task_success", kwargs))
        if self.error:
            raise self.error
        return {}

    def send_task_failure(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("send_task_failure", kwargs))
        return {}


def test_sends_a_rejection_through_send_task_success_too_never_send_task_failure(h: Harness) -> None:
    h.store.items["req-2"] = pending("token-2")
    sfn = RecordingSfn()
    response = h.handler(send=sfn_send_decision(sfn))(call("req-2", {"decision": "reject", "comment": "not during the freeze"}))
    assert response["statusCode"] == 200
    assert [name for name, _ in sfn.calls] == ["send_task_success"]
    sent = sfn.calls[0][1]
    assert sent["taskToken"] == "token-2"
    assert json.loads(sent["output"]) == {"decision": "reject", "decidedBy": ALICE, "decidedAt": NOW_ISO, "comment": "not during the freeze"}


def test_answers_a_repeated_decision_with_the_recorded_result_and_a_contrary_one_with_409_sending_nothing_more(h: Harness) -> None:
    h.store.items["req-3"] = pending("token-3")
    assert h.handler()(call("req-3", {"decision": "approve"}))["statusCode"] == 200
    h.clock = NOW + timedelta(minutes=1)
    again = h.handler()(call("req-3", {"decision": "approve"}, BOB))
    assert again["statusCode"] == 200
    assert body(again) == {
        "approvalId": "req-3",
        "decision": "approve",
        "status": "APPROVED",
        "decidedBy": ALICE,
        "decidedAt": NOW_ISO,
        "alreadyDecided": True,
    }
    contrary = h.handler()(call("req-3", {"decision": "reject"}, BOB))
    assert contrary["statusCode"] == 409
    assert body(contrary)["decidedBy"] == ALICE
    assert len(h.sent) == 1


def test_lets_only_one_of_two_simultaneous_approvers_reach_the_workflow(h: Harness) -> None:
    h.store.items["req-4"] = pending("token-4")
    answers = [h.handler()(call("req-4", {"decision": "approve"})), h.handler()(call("req-4", {"decision": "reject"}, BOB))]
    assert sorted(a["statusCode"] for a in answers) == [200, 409]
    assert len(h.sent) == 1


def test_answers_410_and_marks_the_request_expired_when_the_workflow_no_longer_waits_for_the_token(h: Harness) -> None:
    h.store.items["req-5"] = pending("token-5")
    h.outcome = "gone"
    assert h.handler()(call("req-5", {"decision": "approve"}))["statusCode"] == 410
    assert h.store.items["req-5"]["status"] == "EXPIRED"
    # Asking again now gets the same clean answer without another callback.
    assert h.handler()(call("req-5", {"decision": "approve"}))["statusCode"] == 410
    assert len(h.sent) == 1


def test_answers_410_for_a_request_past_its_deadline_without_calling_step_functions(h: Harness) -> None:
    h.store.items["req-6"] = pending("token-6")
    h.clock = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)
    assert h.handler()(call("req-6", {"decision": "approve"}))["statusCode"] == 410
    assert h.sent == []


def test_answers_404_for_an_unknown_id_and_503_with_retry_after_while_the_token_is_not_stored_yet(h: Harness) -> None:
    assert h.handler()(call("nobody", {"decision": "approve"}))["statusCode"] == 404
    h.store.items["req-7"] = pending()
    early = h.handler()(call("req-7", {"decision": "approve"}))
    assert early["statusCode"] == 503
    assert early["headers"]["retry-after"] == "5"
    assert h.sent == []


def test_puts_the_request_back_and_answers_503_when_step_functions_cannot_be_reached_so_a_retry_succeeds(h: Harness) -> None:
    h.store.items["req-8"] = pending("token-8")

    def throttled(_token: str, _record: DecisionRecord) -> str:
        raise client_error("ThrottlingException", "SendTaskSuccess")

    assert h.handler(send=throttled)(call("req-8", {"decision": "approve"}))["statusCode"] == 503
    assert h.store.items["req-8"] == pending("token-8")
    assert h.handler()(call("req-8", {"decision": "approve"}))["statusCode"] == 200


def test_refuses_a_missing_identity_a_bad_id_a_bad_body_or_an_unknown_decision_before_touching_the_table(h: Harness) -> None:
    claims: list[str] = []

    class Counting(FakeStore):
        def claim(self, approval_id: str, r: DecisionRecord) -> ClaimResult:
            claims.append(approval_id)
            return {"kind": "missing"}

    handler = h.handler(store=Counting())
    assert handler(call("req-9", {"decision": "approve"}, None))["statusCode"] == 401
    assert handler(call("../etc", {"decision": "approve"}))["statusCode"] == 400
    assert handler(call("req-9", "not json"))["statusCode"] == 400
    assert handler(call("req-9", {"decision": "maybe"}))["statusCode"] == 400
    assert handler(call("req-9", {"decision": "approve", "comment": "x" * 501}))["statusCode"] == 400
    assert claims == []


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    class Failing(FakeStore):
        def claim(self, approval_id: str, r: DecisionRecord) -> ClaimResult:
            raise RuntimeError("AccessDeniedException on table Approvals-secret")

    response = h.handler(store=Failing())(call("req-10", {"decision": "approve"}))
    assert response["statusCode"] == 500
    assert "secret" not in response["body"]
    assert "Approvals-secret" in caplog.text
    assert h.sent == []


RECORD = DecisionRecord(decision="approve", decidedBy=ALICE, decidedAt=NOW_ISO, comment="")


def test_reports_a_token_whose_task_timed_out_ended_or_was_already_used_as_gone() -> None:
    for code in ("TaskTimedOut", "TaskDoesNotExist", "InvalidToken"):
        assert sfn_send_decision(RecordingSfn(client_error(code, "SendTaskSuccess")))("token", RECORD) == "gone"


def test_passes_every_other_error_on() -> None:
    with pytest.raises(ClientError):
        sfn_send_decision(RecordingSfn(client_error("ThrottlingException", "SendTaskSuccess")))("token", RECORD)


class FakeDynamoDB:
    def __init__(self, result: dict[str, Any] | None = None, error: Exception | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.result = result or {}
        self.error = error

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self.error:
            raise self.error
        return self.result


REJECT = DecisionRecord(decision="reject", decidedBy=ALICE, decidedAt=NOW_ISO, comment="no")


def refused_with(item: dict[str, Any] | None = None) -> FakeDynamoDB:
    extra = {} if item is None else {"Item": item}
    return FakeDynamoDB(error=client_error("ConditionalCheckFailedException", "UpdateItem", **extra))


def test_claims_with_one_conditional_update_that_records_the_decision_removes_the_token_and_returns_it() -> None:
    client = FakeDynamoDB({"Attributes": {"taskToken": {"S": "token-1"}, "status": {"S": "PENDING"}}})
    assert DynamoApprovalStore(client, "Approvals").claim("req-1", REJECT) == {"kind": "claimed", "taskToken": "token-1"}
    assert client.calls == [
        {
            "TableName": "Approvals",
            "Key": {"approvalId": {"S": "req-1"}},
            "UpdateExpression": "SET #status = :status, #decision = :decision, decidedBy = :by, decidedAt = :at, #comment = :comment REMOVE taskToken",
            "ConditionExpression": "#status = :pending AND attribute_exists(taskToken) AND expiresAt > :at",
            "ExpressionAttributeNames": {"#status": "status", "#decision": "decision", "#comment": "comment"},
            "ExpressionAttributeValues": {
                ":status": {"S": "REJECTED"},
                ":decision": {"S": "reject"},
                ":by": {"S": ALICE},
                ":at": {"S": NOW_ISO},
                ":comment": {"S": "no"},
                ":pending": {"S": "PENDING"},
            },
            "ReturnValues": "ALL_OLD",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    ]


def test_explains_a_refused_claim_from_the_item_dynamodb_hands_back() -> None:
    def claim(item: dict[str, Any] | None) -> ClaimResult:
        return DynamoApprovalStore(refused_with(item), "Approvals").claim("req-1", REJECT)

    assert claim(None) == {"kind": "missing"}
    assert claim({"status": {"S": "EXPIRED"}}) == {"kind": "expired"}
    assert claim({"status": {"S": "PENDING"}, "expiresAt": {"S": "2026-12-05T10:00:00.000Z"}}) == {"kind": "expired"}
    assert claim({"status": {"S": "PENDING"}, "expiresAt": {"S": "2026-12-06T09:00:00.000Z"}}) == {"kind": "not-ready"}
    assert claim(
        {"status": {"S": "ACTIVE"}, "decision": {"S": "approve"}, "decidedBy": {"S": BOB}, "decidedAt": {"S": "2026-12-05T09:30:00.000Z"}}
    ) == {"kind": "decided", "decision": "approve", "decidedBy": BOB, "decidedAt": "2026-12-05T09:30:00.000Z"}


def test_expires_or_releases_a_claim_only_while_it_is_still_this_calls_own() -> None:
    client = FakeDynamoDB()
    store = DynamoApprovalStore(client, "Approvals")
    store.mark_expired("req-1", RECORD)
    store.release("req-1", "token-1", RECORD)
    assert [
        (c["UpdateExpression"], c["ConditionExpression"], c["ExpressionAttributeValues"][":at"], c["ExpressionAttributeValues"][":by"])
        for c in client.calls
    ] == [
        ("SET #status = :expired", "decidedAt = :at AND decidedBy = :by", {"S": NOW_ISO}, {"S": ALICE}),
        (
            "SET #status = :pending, taskToken = :token REMOVE #decision, decidedBy, decidedAt, #comment",
            "decidedAt = :at AND decidedBy = :by",
            {"S": NOW_ISO},
            {"S": ALICE},
        ),
    ]
    # Someone else's later write wins: losing that race is not an error.
    DynamoApprovalStore(refused_with(), "Approvals").mark_expired("req-1", RECORD)
    DynamoApprovalStore(refused_with(), "Approvals").release("req-1", "token-1", RECORD)

