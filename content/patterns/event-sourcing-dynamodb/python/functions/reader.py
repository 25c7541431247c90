"""GET /accounts/{accountId}[?asOfVersion=n]: the state rebuilt from the latest snapshot and the events after it."""

from __future__ import annotations

import os
import re
from typing import Any, Callable

from event_store import EventStoreConfig, load_aggregate
from responses import ACCOUNT_ID, json_response, log_error

AS_OF = re.compile(r"^[1-9][0-9]{0,8}$")
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def create_read_handler(client: Any, config: EventStoreConfig) -> Handler:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        account_id = (event.get("pathParameters") or {}).get("accountId") or ""
        if not ACCOUNT_ID.match(account_id):
            return json_response(400, {"error": "ValidationFailed", "message": "accountId must be 1 to 64 letters, digits, - or _."})
        raw_as_of = (event.get("queryStringParameters") or {}).get("asOfVersion")
        as_of: int | None = None
        if raw_as_of is not None:
            if not AS_OF.match(raw_as_of):
                return json_response(400, {"error": "ValidationFailed", "message": "asOfVersion must be a positive whole number."})
            as_of = int(raw_as_of)
        try:
            loaded = load_aggregate(client, config, account_id, as_of)
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            log_error("read failed", accountId=account_id, error=str(error))
            return json_response(500, {"error": "InternalError", "message": "The account service is unavailable right now."})
        if loaded.version == 0:
            return json_response(404, {"error": "AccountNotFound", "message": "No events recorded for this account."})
        return json_response(
            200,
            {
                "accountId": account_id,
                "version": loaded.version,
                "owner": loaded.state.owner,
                "balance": loaded.state.balance,
                "rebuiltFrom": {"snapshotVersion": loaded.snapshot_version, "eventsReplayed": loaded.events_replayed},
            },
        )

    return handle


_handler: Handler | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        config = EventStoreConfig(events_table=os.environ["EVENTS_TABLE_NAME"], snapshots_table=os.environ["SNAPSHOTS_TABLE_NAME"])
        _handler = create_read_handler(boto3.client("dynamodb"), config)
    return _handler(event, context)
