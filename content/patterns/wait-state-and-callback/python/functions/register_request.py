"""Validates an access request, stores it as PENDING and writes the approvers' message."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# The longest access window a request may ask for; the workflow's own timeout is sized from it.
MAX_ACCESS_MINUTES = 480
# Approval ids are execution names: the safe subset that also reads well in a URL path.
APPROVAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_REQUESTER = re.compile(r"^[A-Za-z0-9._@+-]{1,32}$")
_RESOURCE = re.compile(r"^[A-Za-z0-9._:/@+-]{1,48}$")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$")
MAX_REASON_LENGTH = 500


class InvalidRequest(Exception):
    """Input the workflow must not carry on with. Lambda reports the class name as the error type,
    and the state machine matches Retry and Catch on it."""


class DuplicateApproval(Exception):
    """The approval id already belongs to an earlier request."""


@dataclass(frozen=True)
class AccessRequest:
    approvalId: str
    requester: str
    resource: str
    reason: str
    durationMinutes: int
    requestedAt: str
    expiresAt: str


# Stores the request as PENDING; the workflow adds the task token to the same item in its next step.
PutPending = Callable[[AccessRequest], None]


def _iso_instant(value: Any) -> str | None:
    """One ISO-8601 UTC form with milliseconds everywhere, so DynamoDB can compare the strings."""
    # An instant needs its offset; a bare local time would mean a different moment on each machine.
    if not isinstance(value, str) or not _INSTANT.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def validate(event: dict[str, Any]) -> AccessRequest:
    """Checks everything at once and names every problem, so a caller fixes its input in one go."""
    problems: list[str] = []
    raw = event.get("request")
    request: dict[str, Any] = raw if isinstance(raw, dict) else {}
    approval_id = event.get("approvalId")
    requester = request.get("requester")
    resource = request.get("resource")
    reason = request.get("reason")
    minutes = request.get("durationMinutes")
    if not isinstance(approval_id, str) or not APPROVAL_ID.match(approval_id):
        problems.append("the execution name must be 1-80 letters, digits, hyphens or underscores")
    if not isinstance(requester, str) or not _REQUESTER.match(requester):
        problems.append("requester must be 1-32 letters, digits or . _ @ + -")
    if not isinstance(resource, str) or not _RESOURCE.match(resource):
        problems.append("resource must be 1-48 letters, digits or . _ : / @ + -")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON_LENGTH:
        problems.append(f"reason must be a non-empty string of at most {MAX_REASON_LENGTH} characters")
    # bool is an int in Python and 30.0 is a float: only a real whole number counts, as in JSON.
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_ACCESS_MINUTES:
        problems.append(f"durationMinutes must be a whole number from 1 to {MAX_ACCESS_MINUTES}")
    requested_at = _iso_instant(event.get("startedAt"))
    expires_at = _iso_instant(event.get("expiresAt"))
    if requested_at is None or expires_at is None:
        problems.append("the workflow must pass its start time and the deadline")
    if problems:
        raise InvalidRequest("; ".join(problems))
    return AccessRequest(
        approvalId=str(approval_id),
        requester=str(requester),
        resource=str(resource),
        reason=str(reason).strip(),
        durationMinutes=int(minutes),  # type: ignore[arg-type]
        requestedAt=str(requested_at),
        expiresAt=str(expires_at),
    )


def notification(request: AccessRequest, api_url: str) -> dict[str, str]:
    """The approvers' message. It never carries the task token: that only exists once the workflow waits."""
    url = f"{api_url.rstrip('/')}/approvals/{request.approvalId}"
    plural = "" if request.durationMinutes == 1 else "s"
    return {
        "subject": f"Access request from {request.requester}",
        "message": "\n".join(
            [
                f"{request.requester} asks for {request.resource} for {request.durationMinutes} minute{plural}.",
                f"Reason: {request.reason}",
                "",
                f"Approval id: {request.approvalId}",
                f"Decide before: {request.expiresAt} (the request expires then)",
                "",
                "Decide with a SigV4-signed request from an IAM identity that holds the ApproverPolicy:",
                f"  POST {url}",
                '  {"decision": "approve"}  or  {"decision": "reject", "comment": "why"}',
                "",
                "This message holds no task token. The approval API records your decision under your IAM identity.",
            ]
        ),
    }


def dynamo_put_pending(client: Any, table_name: str) -> PutPending:
    def put(request: AccessRequest) -> None:
        try:
            client.put_item(
                TableName=table_name,
                Item={
                    "approvalId": {"S": request.approvalId},
                    "status": {"S": "PENDING"},
                    "requester": {"S": request.requester},
                    "resource": {"S": request.resource},
                    "reason": {"S": request.reason},
                    "durationMinutes": {"N": str(request.durationMinutes)},
                    "requestedAt": {"S": request.requestedAt},
                    "expiresAt": {"S": request.expiresAt},
                },
                # A new id, or a retry of this same execution (same start time) rewriting what it wrote.
                # An execution name reused after an old request closed must not overwrite that record.
                ConditionExpression="attribute_not_exists(approvalId) OR requestedAt = :requestedAt",
                ExpressionAttributeValues={":requestedAt": {"S": request.requestedAt}},
            )
        except Exception as error:
            if getattr(error, "response", {}).get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise DuplicateApproval(f"approval id {request.approvalId} already belongs to an earlier request") from error
            raise

    return put


def create_handler(put_pending: PutPending, api_url: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        request = validate(event)
        put_pending(request)
        logger.info(json.dumps({"message": "request registered", "approvalId": request.approvalId, "requester": request.requester}))
        return {**asdict(request), "notification": notification(request, api_url)}

    return handle


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(
            dynamo_put_pending(boto3.client("dynamodb"), os.environ["APPROVALS_TABLE_NAME"]),
            os.environ["APPROVAL_API_URL"],
        )
    return _handler(event, context)
