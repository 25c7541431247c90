import json
import logging
from datetime import datetime, timezone
from typing import Any, Optional, Union

import pytest
from botocore.exceptions import ClientError

from ledger_writer import create_handler as create_ledger_writer
from ledger_writer import dynamo_ledger, is_already_recorded, revenue_key
from notifier import Confirmation, ReplayedEventRefused
from notifier import create_handler as create_notifier
from order_event import InvalidOrderEvent, parse_order_placed
from tests.order_events import delivered, entries, with_detail

Item = dict[str, dict[str, str]]


def cancelled(*codes: str) -> ClientError:
    """A TransactionCanceledException the way boto3 raises it, with its reasons in the response."""
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": code} for code in codes],
        },
        "TransactWriteItems",
    )


class FakeLedgerTable:
    """An in-memory stand-in for the ledger table that honours what the writer relies on.

    A transaction is all or nothing, `attribute_not_exists(pk)` on a Put, and ADD on an Update. A writer
    that dropped its condition would double the revenue here exactly as it would in DynamoDB.
    """

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}
        self.calls: list[dict[str, Any]] = []
        self.fail_with: Optional[Exception] = None

    def transact_write_items(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        if self.fail_with:
            raise self.fail_with
        actions = request["TransactItems"]
        reasons = []
        for action in actions:
            body = action.get("Put") or action.get("Update")
            condition = body.get("ConditionExpression")
            if condition is None:
                reasons.append("None")
                continue
            assert condition == "attribute_not_exists(pk)", "the fake only knows the condition the writer uses"
            key = (body.get("Item") or body["Key"])["pk"]["S"]
            reasons.append("ConditionalCheckFailed" if key in self.items else "None")
        if any(code != "None" for code in reasons):
            raise cancelled(*reasons)
        for action in actions:
            if "Put" in action:
                self.items[action["Put"]["Item"]["pk"]["S"]] = dict(action["Put"]["Item"])
            if "Update" in action:
                update = action["Update"]
                self._add(update["Key"]["pk"]["S"], update["UpdateExpression"], update["ExpressionAttributeValues"])
        return {}

    def _add(self, key: str, expression: str, values: Item) -> None:
        assert expression.startswith("ADD "), f"the fake only knows ADD, got {expression}"
        item = self.items.get(key, {"pk": {"S": key}})
        for clause in expression[len("ADD ") :].split(", "):
            name, placeholder = clause.split(" ")
            item[name] = {"N": str(int(item.get(name, {"N": "0"})["N"]) + int(values[placeholder]["N"]))}
        self.items[key] = item

    def revenue(self, day: str, currency: str) -> Optional[dict[str, int]]:
        item = self.items.get(f"REVENUE#{day}#{currency}")
        return item and {"orders": int(item["orders"]["N"]), "totalCents": int(item["totalCents"]["N"])}


def batch(*bodies: Union[dict[str, Any], str]) -> dict[str, Any]:
    return {
        "Records": [
            {"messageId": f"m{i + 1}", "body": body if isinstance(body, str) else json.dumps(body)} for i, body in enumerate(bodies)
        ]
    }


WEB, POS = (delivered(e, event_id="live-1") for e in entries("orders.json"))
(APP,) = (delivered(e, event_id="live-3") for e in entries("missed-order.json"))


@pytest.fixture(autouse=True)
def quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL)


# parse_order_placed


def test_accepts_a_well_formed_order_and_returns_only_its_known_fields() -> None:
    order = parse_order_placed(WEB["detail"])
    assert (order.order_id, order.customer_id, order.channel, order.total_cents, order.currency, order.placed_at) == (
        "ord-1001",
        "cus-42",
        "web",
        4599,
        "EUR",
        "2026-12-05T09:15:00Z",
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"orderId": None},
        {"orderId": "ord 1001"},
        {"orderId": "ord-1001\n"},
        {"channel": "fax"},
        {"totalCents": -1},
        {"totalCents": 45.99},
        {"totalCents": "4599"},
        {"totalCents": True},
        {"currency": "eur"},
        {"placedAt": "05/12/2026"},
        {"placedAt": "2026-13-45T09:15:00Z"},
        {"discount": 5},
    ],
)
def test_rejects_missing_or_malformed_fields_with_a_reason(changes: dict[str, Any]) -> None:
    with pytest.raises(InvalidOrderEvent):
        parse_order_placed(with_detail(WEB, **changes)["detail"])
    with pytest.raises(InvalidOrderEvent):
        parse_order_placed("ord-1001")


# ledger writer


@pytest.fixture
def table() -> FakeLedgerTable:
    return FakeLedgerTable()


@pytest.fixture
def handler(table: FakeLedgerTable) -> Any:
    return create_ledger_writer(dynamo_ledger(table, "Ledger", lambda: datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)))


def test_sends_one_transaction_a_conditional_put_of_the_order_entry_and_an_add_to_its_day_revenue(handler: Any, table: FakeLedgerTable) -> None:
    handler(batch(WEB))
    assert table.calls == [
        {
            "TransactItems": [
                {
                    "Put": {
                        "TableName": "Ledger",
                        "Item": {
                            "pk": {"S": "ORDER#ord-1001"},
                            "orderId": {"S": "ord-1001"},
                            "customerId": {"S": "cus-42"},
                            "channel": {"S": "web"},
                            "totalCents": {"N": "4599"},
                            "currency": {"S": "EUR"},
                            "placedAt": {"S": "2026-12-05T09:15:00Z"},
                            "recordedAt": {"S": "2026-12-07T08:00:00.000Z"},
                            "eventId": {"S": "live-1"},
                        },
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": "Ledger",
                        "Key": {"pk": {"S": "REVENUE#2026-12-05#EUR"}},
                        "UpdateExpression": "ADD orders :one, totalCents :total",
                        "ExpressionAttributeValues": {":one": {"N": "1"}, ":total": {"N": "4599"}},
                    }
                },
            ]
        }
    ]


def test_counts_revenue_on_the_day_the_order_was_placed_not_the_day_it_was_delivered(handler: Any, table: FakeLedgerTable) -> None:
    late_replay = {**delivered(entries("orders.json")[0], replay_name="weekly-check"), "time": "2026-12-07T08:00:00Z"}
    handler(batch(late_replay))
    assert revenue_key(parse_order_placed(late_replay["detail"])) == "REVENUE#2026-12-05#EUR"
    assert table.revenue("2026-12-05", "EUR") == {"orders": 1, "totalCents": 4599}
    assert table.revenue("2026-12-07", "EUR") is None


def test_a_second_delivery_of_the_same_order_live_or_replayed_has_no_second_effect(handler: Any, table: FakeLedgerTable) -> None:
    first = handler(batch(WEB, POS))
    again = handler(batch(WEB))
    replayed = handler(batch(*(delivered(e, replay_name="fill-ledger-gap") for e in entries("orders.json"))))
    for response in (first, again, replayed):
        assert response == {"batchItemFailures": []}
    assert len(table.calls) == 5, "every delivery was attempted"
    assert table.revenue("2026-12-05", "EUR") == {"orders": 2, "totalCents": 4599 + 1250}
    assert len(table.items) == 3, "two order entries and one revenue item"
    # The entry still records the delivery that created it.
    assert table.items["ORDER#ord-1001"]["eventId"]["S"] == "live-1"
    assert "replayName" not in table.items["ORDER#ord-1001"]


def test_fills_a_gap_from_a_replay_and_marks_the_entry_with_the_replay_name(handler: Any, table: FakeLedgerTable) -> None:
    handler(batch(WEB, POS))
    handler(batch(*(delivered(e, replay_name="fill-ledger-gap") for e in [*entries("orders.json"), *entries("missed-order.json")])))
    assert table.items["ORDER#ord-1003"]["replayName"]["S"] == "fill-ledger-gap"
    assert table.revenue("2026-12-05", "EUR") == {"orders": 3, "totalCents": 4599 + 1250 + 2000}


def test_keys_each_entry_on_the_order_id_not_on_the_eventbridge_event_id(handler: Any, table: FakeLedgerTable) -> None:
    # Two different orders that happen to arrive under one event id are still two orders.
    handler(batch(WEB, {**APP, "id": WEB["id"]}))
    assert "ORDER#ord-1001" in table.items
    assert "ORDER#ord-1003" in table.items
    assert table.revenue("2026-12-05", "EUR") == {"orders": 2, "totalCents": 4599 + 2000}


def test_reports_exactly_the_records_that_failed_and_keeps_going_after_each(handler: Any, table: FakeLedgerTable) -> None:
    response = handler(batch(WEB, "not json", with_detail(POS, totalCents=-5), {**APP, "source": "com.example.other"}, APP))
    assert response == {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}, {"itemIdentifier": "m4"}]}
    assert "ORDER#ord-1001" in table.items
    assert "ORDER#ord-1003" in table.items
    assert "ORDER#ord-1002" not in table.items


def test_retries_a_dynamodb_failure_instead_of_taking_it_for_a_duplicate(handler: Any, table: FakeLedgerTable) -> None:
    throttled = ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"}}, "TransactWriteItems")
    for error in (cancelled("TransactionConflict", "None"), throttled):
        table.fail_with = error
        assert not is_already_recorded(error)
        assert handler(batch(WEB)) == {"batchItemFailures": [{"itemIdentifier": "m1"}]}
    assert is_already_recorded(cancelled("ConditionalCheckFailed", "None"))


# notifier


def notifier() -> tuple[list[Confirmation], Any]:
    sent: list[Confirmation] = []
    return sent, create_notifier(sent.append)


def test_sends_one_confirmation_for_a_live_web_or_app_order() -> None:
    sent, handler = notifier()
    handler(WEB)
    handler(APP)
    assert sent == [
        Confirmation(orderId="ord-1001", customerId="cus-42", totalCents=4599, currency="EUR"),
        Confirmation(orderId="ord-1003", customerId="cus-42", totalCents=2000, currency="EUR"),
    ]


def test_refuses_a_replayed_event_without_sending_anything() -> None:
    sent, handler = notifier()
    with pytest.raises(ReplayedEventRefused):
        handler(delivered(entries("orders.json")[0], replay_name="fill-ledger-gap"))
    assert sent == []


def test_refuses_an_in_store_order_or_a_malformed_one_without_sending_anything() -> None:
    sent, handler = notifier()
    for event in (POS, with_detail(WEB, currency="euro"), {**WEB, "detail-type": "OrderCancelled"}):
        with pytest.raises(InvalidOrderEvent):
            handler(event)
    assert sent == []
