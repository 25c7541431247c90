import json
import logging
import random
from typing import Any

import pytest
from botocore.exceptions import ClientError

from commands import create_command_handler
from domain import replay
from event_store import ConcurrencyConflict, EventStoreConfig, append_events, upcast_item
from reader import create_read_handler
from tests.fake_dynamodb import FakeDynamoDB
from tests.generators import random_command

TABLES = EventStoreConfig(events_table="Events", snapshots_table="Snapshots")


def post(account_id: str, command: str, body: Any) -> dict[str, Any]:
    return {
        "pathParameters": {"accountId": account_id, "command": command},
        "body": body if isinstance(body, str) else json.dumps(body),
        "requestContext": {"http": {"method": "POST"}},
    }


def get(account_id: str, as_of: str | None = None) -> dict[str, Any]:
    return {
        "pathParameters": {"accountId": account_id},
        "queryStringParameters": None if as_of is None else {"asOfVersion": as_of},
        "requestContext": {"http": {"method": "GET"}},
    }


def body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


@pytest.fixture(autouse=True)
def quiet() -> None:
    logging.getLogger().setLevel(logging.CRITICAL)


@pytest.fixture
def db() -> FakeDynamoDB:
    return FakeDynamoDB()


@pytest.fixture
def commands(db: FakeDynamoDB):
    return create_command_handler(db, TABLES, 50)


@pytest.fixture
def read(db: FakeDynamoDB):
    return create_read_handler(db, TABLES)


def test_appends_the_events_of_one_command_atomically_at_the_next_versions(db: FakeDynamoDB, commands) -> None:
    opened = commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 1000}))
    assert opened["statusCode"] == 201
    assert body(opened)["events"] == ["AccountOpened", "MoneyDeposited"]
    assert [name for name, _ in db.calls].count("TransactWriteItems") == 1
    assert [(i["aggregateId"]["S"], i["version"]["N"], i["type"]["S"], i["schemaVersion"]["N"], i["data"]["S"]) for i in db.items("Events")] == [
        ("acc-1", "1", "AccountOpened", "1", '{"owner":"Ana"}'),
        ("acc-1", "2", "MoneyDeposited", "1", '{"amount":1000}'),
    ]
    deposited = commands(post("acc-1", "deposit", {"expectedVersion": 2, "amount": 5}))
    assert deposited["statusCode"] == 201
    assert body(deposited)["state"] == {"owner": "Ana", "balance": 1005}
    # A single event needs no transaction, which would cost twice the write units.
    assert [name for name, _ in db.calls].count("PutItem") == 1
    conditions = [
        put["ConditionExpression"]
        for name, kwargs in db.calls
        for put in ([t["Put"] for t in kwargs["TransactItems"]] if name == "TransactWriteItems" else [kwargs] if name == "PutItem" else [])
    ]
    assert conditions == ["attribute_not_exists(version)"] * 3


def test_lets_exactly_one_of_two_writers_racing_for_the_same_version_win_the_other_gets_409(db: FakeDynamoDB, commands, read) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 1000}))
    rival: dict[str, Any] = {}
    # The rival loads version 2 and appends version 3 after the first writer has loaded but before it puts.
    db.before_event_put = lambda: rival.update(commands(post("acc-1", "withdraw", {"expectedVersion": 2, "amount": 700})))
    first = commands(post("acc-1", "withdraw", {"expectedVersion": 2, "amount": 800}))
    assert sorted([first["statusCode"], rival["statusCode"]]) == [201, 409]
    assert body(first)["error"] == "ConcurrencyConflict"
    # Both reached the conditional put for version 3: the table, not the pre-check, picked the winner.
    assert [kwargs["Item"]["version"]["N"] for name, kwargs in db.calls if name == "PutItem"] == ["3", "3"]
    assert len(db.items("Events")) == 3
    assert body(read(get("acc-1")))["balance"] == 300


def test_writes_none_of_a_multi_event_command_when_one_of_its_versions_is_taken(db: FakeDynamoDB, commands) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana"}))
    with pytest.raises(ConcurrencyConflict) as conflict:
        append_events(db, TABLES, "acc-1", 0, [{"type": "AccountOpened", "data": {"owner": "Bo"}}, {"type": "MoneyDeposited", "data": {"amount": 1}}], "c2")
    assert conflict.value.version == 1
    assert [i["version"]["N"] for i in db.items("Events")] == ["1"]
    with pytest.raises(ConcurrencyConflict):
        append_events(db, TABLES, "acc-1", 0, [{"type": "MoneyDeposited", "data": {"amount": 1}}], "c3")


def test_treats_a_rival_transaction_still_in_flight_on_the_version_as_a_conflict_not_a_server_error(db: FakeDynamoDB) -> None:
    deposit = [{"type": "MoneyDeposited", "data": {"amount": 1}}]
    two_events = [{"type": "AccountOpened", "data": {"owner": "Bo"}}, *deposit]
    db.fail_with = ("PutItem", "Events", ClientError({"Error": {"Code": "TransactionConflictException", "Message": "ongoing transaction"}}, "PutItem"))
    with pytest.raises(ConcurrencyConflict) as conflict:
        append_events(db, TABLES, "acc-1", 0, deposit, "c1")
    assert conflict.value.version == 1

    def cancelled(code: str) -> ClientError:
        response: Any = {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": code}, {"Code": "None"}],
        }
        return ClientError(response, "TransactWriteItems")

    db.fail_with = ("TransactWriteItems", None, cancelled("TransactionConflict"))
    with pytest.raises(ConcurrencyConflict):
        append_events(db, TABLES, "acc-1", 0, two_events, "c2")
    # Throttling is not a conflict: it stays an error, answered as a 500.
    db.fail_with = ("TransactWriteItems", None, cancelled("ThrottlingError"))
    with pytest.raises(ClientError):
        append_events(db, TABLES, "acc-1", 0, two_events, "c3")
    assert db.items("Events") == []


def test_answers_409_with_the_current_version_when_expected_version_is_stale(db: FakeDynamoDB, commands) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 10}))
    stale = commands(post("acc-1", "deposit", {"expectedVersion": 1, "amount": 5}))
    assert stale["statusCode"] == 409
    assert body(stale) == {
        "error": "ConcurrencyConflict",
        "message": "The account changed since you read it: read it again and retry.",
        "expectedVersion": 1,
        "currentVersion": 2,
    }
    assert len(db.items("Events")) == 2


def test_answers_a_retried_command_with_its_original_outcome_instead_of_applying_it_twice(db: FakeDynamoDB, commands) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 10}))
    first = commands(post("acc-1", "deposit", {"expectedVersion": 2, "amount": 5, "commandId": "pay-42"}))
    retry = commands(post("acc-1", "deposit", {"expectedVersion": 2, "amount": 5, "commandId": "pay-42"}))
    assert first["statusCode"] == 201
    assert retry["statusCode"] == 200
    assert body(retry) == {"accountId": "acc-1", "commandId": "pay-42", "replayed": True, "version": 3, "state": {"owner": "Ana", "balance": 15}}
    assert len(db.items("Events")) == 3
    assert commands(post("acc-1", "deposit", {"expectedVersion": 2, "amount": 5, "commandId": "pay-43"}))["statusCode"] == 409


def test_maps_business_rule_rejections_to_4xx_and_writes_nothing(db: FakeDynamoDB, commands) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 100}))
    before = len(db.items("Events"))
    cases = [
        (post("acc-1", "withdraw", {"expectedVersion": 2, "amount": 101}), 422, "InsufficientFunds"),
        (post("acc-2", "deposit", {"expectedVersion": 0, "amount": 1}), 404, "AccountNotFound"),
        (post("acc-1", "open", {"expectedVersion": 2, "owner": "Bo"}), 409, "AccountAlreadyOpen"),
        (post("acc-1", "deposit", {"expectedVersion": 2, "amount": 0}), 400, "ValidationFailed"),
        (post("acc-1", "deposit", {"amount": 1}), 400, "ValidationFailed"),
        (post("acc-1", "close", {"expectedVersion": 2}), 400, "ValidationFailed"),
        (post("acc-1", "deposit", "not json"), 400, "ValidationFailed"),
        (post("acc 1", "deposit", {"expectedVersion": 2, "amount": 1}), 400, "ValidationFailed"),
    ]
    for event, status, error in cases:
        response = commands(event)
        assert (response["statusCode"], body(response)["error"]) == (status, error), event["body"]
    assert len(db.items("Events")) == before


def test_writes_a_snapshot_when_the_stream_crosses_every_50th_version_and_still_succeeds_if_that_write_fails(db: FakeDynamoDB, commands) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 1}))
    for v in range(2, 49):
        commands(post("acc-1", "deposit", {"expectedVersion": v, "amount": 1}))
    assert db.items("Snapshots") == []
    commands(post("acc-1", "deposit", {"expectedVersion": 49, "amount": 1}))
    assert [(i["version"]["N"], i["state"]["S"]) for i in db.items("Snapshots")] == [("50", '{"opened":true,"owner":"Ana","balance":49}')]
    db.fail_with = ("PutItem", "Snapshots", RuntimeError("ProvisionedThroughputExceededException"))
    every_event = create_command_handler(db, TABLES, 1)
    response = every_event(post("acc-9", "open", {"expectedVersion": 0, "owner": "Bo"}))
    assert response["statusCode"] == 201
    assert [i["version"]["N"] for i in db.items("Events") if i["aggregateId"]["S"] == "acc-9"] == ["1"]
    assert len(db.items("Snapshots")) == 1


def test_rebuilds_the_same_state_from_the_latest_snapshot_plus_the_tail_as_from_every_event() -> None:
    for seed in range(1, 7):
        db = FakeDynamoDB(9)
        handle = create_command_handler(db, TABLES, 50)
        reader = create_read_handler(db, TABLES)
        rng = random.Random(seed)
        handle(post("acc", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 300}))
        version = 2
        for _ in range(260):
            command = random_command(rng)
            response = handle(post("acc", command.pop("type"), {"expectedVersion": version, **command}))
            if response["statusCode"] == 201:
                version = body(response)["version"]
        snapshots = db.items("Snapshots")
        assert len(snapshots) == 1 and int(snapshots[0]["version"]["N"]) >= 50, f"seed {seed}: no snapshot"
        from_snapshot = body(reader(get("acc")))
        everything = replay([upcast_item(i) for i in db.items("Events")])
        assert from_snapshot["version"] == version
        assert from_snapshot["rebuiltFrom"]["snapshotVersion"] > 0
        assert (from_snapshot["owner"], from_snapshot["balance"]) == (everything.owner, everything.balance)
        assert everything.balance >= 0


def test_reads_the_state_as_of_an_earlier_version_and_404s_an_account_with_no_events(db: FakeDynamoDB, commands, read) -> None:
    commands(post("acc-1", "open", {"expectedVersion": 0, "owner": "Ana", "initialDeposit": 100}))
    commands(post("acc-1", "withdraw", {"expectedVersion": 2, "amount": 30}))
    assert body(read(get("acc-1"))) == {
        "accountId": "acc-1",
        "version": 3,
        "owner": "Ana",
        "balance": 70,
        "rebuiltFrom": {"snapshotVersion": 0, "eventsReplayed": 3},
    }
    earlier = body(read(get("acc-1", "2")))
    assert (earlier["version"], earlier["balance"]) == (2, 100)
    assert read(get("nobody"))["statusCode"] == 404
    assert read(get("acc-1", "0"))["statusCode"] == 400
    assert read(get("acc-1", "abc"))["statusCode"] == 400


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(db: FakeDynamoDB, commands, read) -> None:
    db.fail_with = ("GetItem", None, RuntimeError("AccessDeniedException: arn:aws:dynamodb:secret-table"))
    for response in (commands(post("acc-1", "deposit", {"expectedVersion": 0, "amount": 1})), read(get("acc-1"))):
        assert response["statusCode"] == 500
        assert "secret-table" not in response["body"]
