"""POST /accounts/{accountId}/{open|deposit|withdraw}: decide, then append the events with optimistic concurrency."""

from __future__ import annotations

import json
import os
import re
import uuid
from typing import Any, Callable

from domain import CommandRejected, decide, replay
from event_store import (
    ConcurrencyConflict,
    EventStoreConfig,
    append_events,
    command_id_at,
    crosses_snapshot_boundary,
    load_aggregate,
    save_snapshot,
)
from responses import ACCOUNT_ID, json_response, log_error

STATUS = {"ValidationFailed": 400, "AccountNotFound": 404, "AccountAlreadyOpen": 409, "InsufficientFunds": 422}
COMMAND_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _parse_command(name: str | None, body: dict[str, Any]) -> dict[str, Any]:
    if name == "open":
        return {"type": "open", "owner": body.get("owner"), "initialDeposit": body.get("initialDeposit")}
    if name in ("deposit", "withdraw"):
        return {"type": name, "amount": body.get("amount")}
    raise CommandRejected("ValidationFailed", "The command must be open, deposit or withdraw.")


def _view(state: Any) -> dict[str, Any]:
    return {"owner": state.owner, "balance": state.balance}


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def create_command_handler(client: Any, config: EventStoreConfig, snapshot_every: int, new_command_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> Handler:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        params = event.get("pathParameters") or {}
        account_id = params.get("accountId") or ""
        if not ACCOUNT_ID.match(account_id):
            return json_response(400, {"error": "ValidationFailed", "message": "accountId must be 1 to 64 letters, digits, - or _."})
        try:
            body = json.loads(event.get("body") or "")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return json_response(400, {"error": "ValidationFailed", "message": "The body must be a JSON object."})
        expected_version = body.get("expectedVersion")
        if not _is_whole(expected_version) or expected_version < 0:
            return json_response(
                400, {"error": "ValidationFailed", "message": "expectedVersion (the version you last read; 0 for a new account) is required."}
            )
        given_id = body.get("commandId")
        if given_id is not None and (not isinstance(given_id, str) or not COMMAND_ID.match(given_id)):
            return json_response(400, {"error": "ValidationFailed", "message": "commandId must be 1 to 64 letters, digits, - or _."})
        command_id = given_id or new_command_id()

        def conflict_or_replay(current_version: int) -> dict[str, Any]:
            # A retry of a command that already landed finds its own id on the event it wrote.
            if given_id is not None and command_id_at(client, config, account_id, expected_version + 1) == command_id:
                now = load_aggregate(client, config, account_id)
                return json_response(200, {"accountId": account_id, "commandId": command_id, "replayed": True, "version": now.version, "state": _view(now.state)})
            return json_response(
                409,
                {
                    "error": "ConcurrencyConflict",
                    "message": "The account changed since you read it: read it again and retry.",
                    "expectedVersion": expected_version,
                    "currentVersion": current_version,
                },
            )

        try:
            command = _parse_command(params.get("command"), body)
            loaded = load_aggregate(client, config, account_id)
            if loaded.version != expected_version:
                return conflict_or_replay(loaded.version)
            events = decide(command, loaded.state)
            try:
                version = append_events(client, config, account_id, expected_version, events, command_id)
            except ConcurrencyConflict:
                return conflict_or_replay(expected_version + 1)
            state = replay(events, loaded.state)
            if crosses_snapshot_boundary(expected_version, version, snapshot_every):
                # The events are committed; a lost snapshot only makes later loads replay more.
                try:
                    save_snapshot(client, config, account_id, version, state)
                except Exception as error:  # noqa: BLE001 - never fail a committed command
                    log_error("snapshot write failed", accountId=account_id, version=version, error=str(error))
            return json_response(
                201, {"accountId": account_id, "commandId": command_id, "version": version, "events": [e["type"] for e in events], "state": _view(state)}
            )
        except CommandRejected as rejected:
            return json_response(STATUS[rejected.code], {"error": rejected.code, "message": rejected.message})
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            log_error("command failed", accountId=account_id, error=str(error))
            return json_response(500, {"error": "InternalError", "message": "The account service is unavailable right now."})

    return handle


_handler: Handler | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        config = EventStoreConfig(events_table=os.environ["EVENTS_TABLE_NAME"], snapshots_table=os.environ["SNAPSHOTS_TABLE_NAME"])
        _handler = create_command_handler(boto3.client("dynamodb"), config, int(os.environ.get("SNAPSHOT_EVERY", "50")))
    return _handler(event, context)
