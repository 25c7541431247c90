"""Records an approver's decision once and hands it to the waiting workflow with SendTaskSuccess."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Protocol

logger = logging.getLogger()
logger.setLevel(logging.INFO)

Decision = Literal["approve", "reject"]
STATUS_FOR: dict[str, str] = {"approve": "APPROVED", "reject": "REJECTED"}
_APPROVAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
MAX_COMMENT_LENGTH = 500
# Seconds a caller should wait before sending the same decision again after a 503.
RETRY_AFTER_SECONDS = 5
# Step Functions' answers for a token whose task has ended: timed out, stopped, or already closed.
GONE_TOKEN_ERRORS = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})


@dataclass(frozen=True)
class DecisionRecord:
    """What the approver decided, by whom and when: the output the workflow's Choice state reads."""

    decision: str
    decidedBy: str
    decidedAt: str
    comment: str


# A claim's outcome: {"kind": "claimed", "taskToken"}, {"kind": "missing"}, {"kind": "not-ready"},
# {"kind": "expired"} or {"kind": "decided", "decision", "decidedBy", "decidedAt"}.
ClaimResult = dict[str, str]


class ApprovalStore(Protocol):
    """The approval record, with every write conditional so two approvers cannot both win."""

    def claim(self, approval_id: str, record: DecisionRecord) -> ClaimResult: ...

    def mark_expired(self, approval_id: str, record: DecisionRecord) -> None: ...

    def release(self, approval_id: str, task_token: str, record: DecisionRecord) -> None: ...


# Hands the decision to the waiting workflow; "gone" means the task no longer waits for this token.
SendDecision = Callable[[str, DecisionRecord], str]


def _error_code(error: Exception) -> str | None:
    return getattr(error, "response", {}).get("Error", {}).get("Code")


def sfn_send_decision(client: Any) -> SendDecision:
    def send(task_token: str, record: DecisionRecord) -> str:
        try:
            client.send_task_success(taskToken=task_token, output=json.dumps(asdict(record)))
        except Exception as error:
            if _error_code(error) in GONE_TOKEN_ERRORS:
                return "gone"
            raise
        return "delivered"

    return send


def _text(item: dict[str, Any] | None, name: str) -> str | None:
    return ((item or {}).get(name) or {}).get("S")


class DynamoApprovalStore:
    def __init__(self, client: Any, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def claim(self, approval_id: str, record: DecisionRecord) -> ClaimResult:
        """PENDING with a token and before its deadline becomes the decision, and hands back the token, in one write."""
        try:
            result = self._client.update_item(
                TableName=self._table,
                Key={"approvalId": {"S": approval_id}},
                UpdateExpression="SET #status = :status, #decision = :decision, decidedBy = :by, decidedAt = :at, #comment = :comment REMOVE taskToken",
                ConditionExpression="#status = :pending AND attribute_exists(taskToken) AND expiresAt > :at",
                ExpressionAttributeNames={"#status": "status", "#decision": "decision", "#comment": "comment"},
                ExpressionAttributeValues={
                    ":status": {"S": STATUS_FOR[record.decision]},
                    ":decision": {"S": record.decision},
                    ":by": {"S": record.decidedBy},
                    ":at": {"S": record.decidedAt},
                    ":comment": {"S": record.comment},
                    ":pending": {"S": "PENDING"},
                },
                ReturnValues="ALL_OLD",
                # A refused claim returns the item as it is, so no second read is needed to explain why.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except Exception as error:
            if _error_code(error) != "ConditionalCheckFailedException":
                raise
            item = getattr(error, "response", {}).get("Item")
            if item is None:
                return {"kind": "missing"}
            status = _text(item, "status")
            if status == "EXPIRED":
                return {"kind": "expired"}
            if status == "PENDING":
                if (_text(item, "expiresAt") or "") <= record.decidedAt:
                    return {"kind": "expired"}
                # The workflow registered the request but has not stored its token yet: a moment's work.
                return {"kind": "not-ready"}
            return {
                "kind": "decided",
                "decision": "reject" if _text(item, "decision") == "reject" else "approve",
                "decidedBy": _text(item, "decidedBy") or "unknown",
                "decidedAt": _text(item, "decidedAt") or "unknown",
            }
        task_token = _text(result.get("Attributes"), "taskToken")
        if task_token is None:
            raise RuntimeError(f"claimed {approval_id} but it held no task token")
        return {"kind": "claimed", "taskToken": task_token}

    def _ours(self, approval_id: str, record: DecisionRecord, **update: Any) -> None:
        # Only the call that made a claim may undo it or turn it into EXPIRED.
        values = {":at": {"S": record.decidedAt}, ":by": {"S": record.decidedBy}, **update.pop("ExpressionAttributeValues")}
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"approvalId": {"S": approval_id}},
                ConditionExpression="decidedAt = :at AND decidedBy = :by",
                ExpressionAttributeValues=values,
                **update,
            )
        except Exception as error:
            # Someone else's later write wins: losing that race is not an error.
            if _error_code(error) != "ConditionalCheckFailedException":
                raise

    def mark_expired(self, approval_id: str, record: DecisionRecord) -> None:
        """The workflow stopped waiting before the decision reached it."""
        self._ours(
            approval_id,
            record,
            UpdateExpression="SET #status = :expired",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":expired": {"S": "EXPIRED"}},
        )

    def release(self, approval_id: str, task_token: str, record: DecisionRecord) -> None:
        """Step Functions could not be reached: put the request back as it was, so the same call can be sent again."""
        self._ours(
            approval_id,
            record,
            UpdateExpression="SET #status = :pending, taskToken = :token REMOVE #decision, decidedBy, decidedAt, #comment",
            ExpressionAttributeNames={"#status": "status", "#decision": "decision", "#comment": "comment"},
            ExpressionAttributeValues={":pending": {"S": "PENDING"}, ":token": {"S": task_token}},
        )


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def parse_request(event: dict[str, Any], decided_at: str) -> tuple[str, DecisionRecord] | dict[str, Any]:
    """Reads the approval id, the decision and, from the IAM authorizer, who is deciding; or an error response."""
    # The route demands SigV4, so API Gateway has already checked the caller; this is defence in depth.
    decided_by = (((event.get("requestContext") or {}).get("authorizer") or {}).get("iam") or {}).get("userArn")
    if not isinstance(decided_by, str) or not decided_by:
        return _json(401, {"message": "Sign the request with SigV4; the decision is recorded under your IAM identity."})
    approval_id = (event.get("pathParameters") or {}).get("approvalId") or ""
    if not _APPROVAL_ID.match(approval_id):
        return _json(400, {"message": "The approval id is 1-80 letters, digits, hyphens or underscores."})
    try:
        raw = event.get("body") or ""
        body = json.loads(base64.b64decode(raw).decode("utf-8") if event.get("isBase64Encoded") else raw)
    except ValueError:
        return _json(400, {"message": 'Send a JSON body such as {"decision": "approve"}.'})
    fields: dict[str, Any] = body if isinstance(body, dict) else {}
    decision = fields.get("decision")
    comment = fields.get("comment")
    if decision not in STATUS_FOR:
        return _json(400, {"message": 'decision must be "approve" or "reject".'})
    if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT_LENGTH):
        return _json(400, {"message": f"comment must be a string of at most {MAX_COMMENT_LENGTH} characters."})
    return approval_id, DecisionRecord(decision=decision, decidedBy=decided_by, decidedAt=decided_at, comment=comment or "")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def create_handler(
    store: ApprovalStore, send: SendDecision, now: Callable[[], datetime] = _utc_now
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        parsed = parse_request(event, _iso(now()))
        if isinstance(parsed, dict):
            return parsed
        approval_id, record = parsed

        def log(level: int, message: str, **extra: Any) -> None:
            logger.log(level, json.dumps({"message": message, "approvalId": approval_id, "decision": record.decision, "decidedBy": record.decidedBy, **extra}))

        retry = {"retry-after": str(RETRY_AFTER_SECONDS)}
        expired = {"approvalId": approval_id, "status": "EXPIRED", "message": "The request expired before a decision arrived."}
        try:
            claim = store.claim(approval_id, record)
            kind = claim["kind"]
            if kind == "missing":
                return _json(404, {"message": f"No approval request {approval_id}."})
            if kind == "expired":
                return _json(410, expired)
            if kind == "not-ready":
                return _json(503, {"message": "The request is still being opened; send the same decision again shortly."}, retry)
            if kind == "decided":
                summary = {
                    "approvalId": approval_id,
                    "decision": claim["decision"],
                    "status": STATUS_FOR[claim["decision"]],
                    "decidedBy": claim["decidedBy"],
                    "decidedAt": claim["decidedAt"],
                }
                # The same decision twice (a retry, or a second approver agreeing) changes nothing and says so.
                if claim["decision"] == record.decision:
                    return _json(200, {**summary, "alreadyDecided": True})
                return _json(409, {**summary, "message": f"Already decided: {claim['decision']} by {claim['decidedBy']}."})
            task_token = claim["taskToken"]
            try:
                delivery = send(task_token, record)
            except Exception as error:  # noqa: BLE001 - any failure to deliver puts the request back
                log(logging.ERROR, "decision not delivered, request released", error=str(error))
                store.release(approval_id, task_token, record)
                return _json(503, {"message": "The workflow could not be reached; send the same decision again shortly."}, retry)
            if delivery == "gone":
                log(logging.WARNING, "workflow stopped waiting before the decision arrived")
                store.mark_expired(approval_id, record)
                return _json(410, expired)
            log(logging.INFO, "decision delivered")
            return _json(
                200,
                {"approvalId": approval_id, "decision": record.decision, "status": STATUS_FOR[record.decision], "decidedBy": record.decidedBy, "decidedAt": record.decidedAt},
            )
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            # Log the cause for operators; keep table names and tokens out of the answer.
            log(logging.ERROR, "decision failed", error=str(error))
            return _json(500, {"message": "The decision could not be recorded; nothing was sent to the workflow."})

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connections.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(
            DynamoApprovalStore(boto3.client("dynamodb"), os.environ["APPROVALS_TABLE_NAME"]),
            sfn_send_decision(boto3.client("stepfunctions")),
        )
    return _handler(event, context)
