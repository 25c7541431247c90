import json
from typing import Any

import pytest

from consumer import create_handler as create_consumer
from consumer import is_consumer_kind, summarise
from producer import create_handler as create_producer
from producer import parse_body, publish, to_entry
from transaction import InvalidTransaction, parse_transaction

TX = {"transactionId": "tx-1", "action": "withdrawal", "location": "NY-MAN-0042", "amount": 300, "result": "approved"}


def post(body: Any) -> dict[str, Any]:
    return {"body": body if isinstance(body, str) else json.dumps(body)}


# parse_transaction


def test_accepts_a_well_formed_transaction_and_returns_only_its_known_fields() -> None:
    assert parse_transaction(TX) == TX


def test_accepts_results_other_than_approved_and_declined_so_new_outcomes_still_flow() -> None:
    assert parse_transaction({**TX, "result": "timed_out"})["result"] == "timed_out"


@pytest.mark.parametrize(
    "bad",
    [
        {**TX, "location": "ny-man"},
        {**TX, "action": "transfer"},
        {**TX, "amount": -1},
        {**TX, "amount": "300"},
        {**TX, "amount": 10_001},
        {**TX, "amount": True},
        {**TX, "location": "NY-MAN\n"},
        {**TX, "pin": "1234"},
        "tx-1",
    ],
)
def test_rejects_bad_locations_actions_amounts_and_unknown_fields(bad: Any) -> None:
    with pytest.raises(InvalidTransaction):
        parse_transaction(bad)


# producer


def test_parses_one_to_ten_transactions_and_refuses_empty_oversized_or_non_json_bodies() -> None:
    assert parse_body(json.dumps({"transactions": [TX]})) == [TX]
    for bad in ('{"transactions": []}', json.dumps({"transactions": [TX] * 11}), "not json", None):
        with pytest.raises(InvalidTransaction):
            parse_body(bad)


def test_builds_entries_for_the_named_bus_with_the_source_and_detail_type_the_rules_match() -> None:
    entry = to_entry(parse_transaction(TX), "atm-bus")
    assert {k: v for k, v in entry.items() if k != "Detail"} == {
        "EventBusName": "atm-bus",
        "Source": "custom.atm",
        "DetailType": "ATM transaction",
    }
    assert json.loads(entry["Detail"]) == TX


def test_sends_only_the_rejected_entries_a_second_time() -> None:
    calls: list[list[str]] = []

    def put(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        calls.append([json.loads(e["Detail"])["transactionId"] for e in entries])
        if len(calls) == 1:
            return [{"EventId": "e1"}, {"ErrorCode": "ThrottlingException"}, {"EventId": "e3"}]
        return [{"EventId": "e2"}]

    entries = [to_entry(parse_transaction({**TX, "transactionId": i}), "bus") for i in ("a", "b", "c")]
    assert publish(put, entries) == (["e1", "e2", "e3"], [None, None, None])
    assert calls == [["a", "b", "c"], ["b"]]


def test_gives_up_after_the_second_attempt_and_names_what_failed() -> None:
    calls = 0

    def put(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        nonlocal calls
        calls += 1
        return [{"ErrorCode": "InternalFailure"} for _ in entries]

    assert publish(put, [to_entry(parse_transaction(TX), "bus")]) == ([None], ["InternalFailure"])
    assert calls == 2


def test_answers_202_with_an_event_id_per_transaction_when_all_are_accepted() -> None:
    seen: list[dict[str, Any]] = []

    def put(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen.extend(entries)
        return [{"EventId": f"ev-{i}"} for i in range(len(entries))]

    response = create_producer(put, "atm-bus")(post({"transactions": [TX, {**TX, "transactionId": "tx-2"}]}))
    assert response["statusCode"] == 202
    assert json.loads(response["body"]) == {
        "accepted": [{"transactionId": "tx-1", "eventId": "ev-0"}, {"transactionId": "tx-2", "eventId": "ev-1"}]
    }
    assert [e["EventBusName"] for e in seen] == ["atm-bus", "atm-bus"]


def test_answers_400_without_calling_eventbridge_when_a_transaction_is_invalid() -> None:
    calls: list[Any] = []
    handler = create_producer(lambda entries: calls.append(entries) or [], "bus")
    response = handler(post({"transactions": [{**TX, "location": "nowhere"}]}))
    assert response["statusCode"] == 400
    assert "location" in json.loads(response["body"])["message"]
    assert calls == []


def test_answers_502_naming_accepted_and_failed_transactions_after_a_partial_failure() -> None:
    handler = create_producer(
        lambda entries: [{"ErrorCode": "InternalFailure"} if "tx-2" in e["Detail"] else {"EventId": "ok"} for e in entries],
        "bus",
    )
    response = handler(post({"transactions": [TX, {**TX, "transactionId": "tx-2"}]}))
    assert response["statusCode"] == 502
    body = json.loads(response["body"])
    assert body["accepted"] == [{"transactionId": "tx-1", "eventId": "ok"}]
    assert body["failed"] == ["tx-2"]


def test_answers_a_generic_500_when_the_put_events_call_itself_throws() -> None:
    def put(_entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        raise RuntimeError("AccessDeniedException on arn:aws:events:secret")

    response = create_producer(put, "bus")(post({"transactions": [TX]}))
    assert response["statusCode"] == 500
    assert "secret" not in response["body"]


# consumer


def event(detail: Any, source: str = "custom.atm") -> dict[str, Any]:
    return {"id": "ev-9", "source": source, "detail-type": "ATM transaction", "detail": detail}


def test_knows_exactly_the_four_consumer_kinds() -> None:
    for kind in ("approved", "new-york", "declined", "large-withdrawal"):
        assert is_consumer_kind(kind)
    assert not is_consumer_kind("refunds")
    assert not is_consumer_kind(None)
    assert not is_consumer_kind("__class__")


def test_records_what_its_job_would_be_with_the_event_id_and_the_transaction() -> None:
    assert summarise("declined", event({**TX, "result": "declined"})) == {
        "level": "INFO",
        "message": "notify the cardholder",
        "consumer": "declined",
        "eventId": "ev-9",
        **TX,
        "result": "declined",
    }


def test_throws_on_a_malformed_detail_so_lambda_retries_it_and_then_records_the_failure() -> None:
    lines: list[dict[str, Any]] = []
    handler = create_consumer("approved", lines.append)
    with pytest.raises(InvalidTransaction):
        handler(event({**TX, "amount": "lots"}))
    with pytest.raises(InvalidTransaction):
        handler(event(TX, "someone.else"))
    assert lines == []
    handler(event(TX))
    assert len(lines) == 1
