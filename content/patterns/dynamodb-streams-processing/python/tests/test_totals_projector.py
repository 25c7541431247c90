from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.fake_view_table import FakeViewTable
from tests.records import order, profile, stream_record
from totals_projector import Contribution, apply_change, create_handler, to_order_change, transaction_for


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def projector(view: FakeViewTable) -> tuple[Any, list[dict[str, Any]]]:
    lines: list[dict[str, Any]] = []
    return create_handler(view.write, "Totals", lines.append, lambda: "2026-12-05T10:00:00.000Z"), lines


O1V1 = order("c-1", "o-1", status="PLACED", total_cents=4200, version=1)
O1V2 = {**O1V1, "totalCents": 5000, "version": 2}
O2V1 = order("c-1", "o-2", status="PLACED", total_cents=1000, version=1)
O2V2 = {**O2V1, "status": "CANCELLED", "version": 2}


def delta(record: dict[str, Any]) -> Contribution:
    change = to_order_change(record)
    assert change is not None
    return change.delta


def test_computes_the_difference_an_order_makes_from_its_old_and_new_images() -> None:
    assert delta(stream_record("1", None, O1V1)) == Contribution(1, 4200)
    assert delta(stream_record("2", O1V1, O1V2)) == Contribution(0, 800)
    assert delta(stream_record("3", O2V1, O2V2)) == Contribution(-1, -1000)
    assert delta(stream_record("4", O1V2, {**O1V2, "status": "SHIPPED", "version": 3})) == Contribution(0, 0)
    assert delta(stream_record("5", O2V2, None)) == Contribution(0, 0)
    removed = to_order_change(stream_record("6", O1V2, None))
    assert removed is not None
    assert removed.fields() == {
        "customerId": "c-1",
        "orderId": "o-1",
        "fromVersion": 2,
        "toVersion": None,
        "delta": {"orders": -1, "cents": -5000},
        "sequenceNumber": "6",
    }


def test_refuses_an_order_write_that_does_not_raise_its_version() -> None:
    with pytest.raises(ValueError, match="without raising its version"):
        to_order_change(stream_record("7", O1V2, {**O1V2, "totalCents": 1}))
    with pytest.raises(ValueError, match="totalCents"):
        to_order_change(stream_record("8", None, {**O1V1, "totalCents": "12.5"}))
    with pytest.raises(ValueError, match="version"):
        to_order_change(stream_record("9", None, {**O1V1, "version": None}))


def test_ignores_records_that_are_not_orders() -> None:
    assert to_order_change(stream_record("10", None, profile("c-1", "Ana"))) is None


def test_moves_the_marker_from_the_old_version_to_the_new_one_and_adds_the_difference() -> None:
    change = to_order_change(stream_record("20", O1V1, O1V2))
    assert change is not None
    assert transaction_for(change, "Totals", "now") == {
        "TransactItems": [
            {
                "Put": {
                    "TableName": "Totals",
                    "Item": {"customerId": {"S": "c-1"}, "sk": {"S": "ORDER#o-1"}, "version": {"N": "2"}},
                    "ConditionExpression": "#version = :from",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": {":from": {"N": "1"}},
                }
            },
            {
                "Update": {
                    "TableName": "Totals",
                    "Key": {"customerId": {"S": "c-1"}, "sk": {"S": "TOTALS"}},
                    "UpdateExpression": "ADD orderCount :orders, totalCents :cents SET updatedAt = :now",
                    "ExpressionAttributeValues": {":orders": {"N": "0"}, ":cents": {"N": "800"}, ":now": {"S": "now"}},
                }
            },
        ]
    }
    # A change that moves no money writes only the marker.
    shipped = to_order_change(stream_record("21", O1V2, {**O1V2, "status": "SHIPPED", "version": 3}))
    assert shipped is not None
    assert len(transaction_for(shipped, "Totals", "now")["TransactItems"]) == 1


def test_keeps_per_customer_totals_through_inserts_changes_and_deletes() -> None:
    view = FakeViewTable()
    handler, _ = projector(view)
    handler(batch(stream_record("1", None, O1V1), stream_record("2", None, O2V1)))
    assert view.totals("c-1") == {"orderCount": 2, "totalCents": 5200}
    handler(batch(stream_record("3", O1V1, O1V2), stream_record("4", O2V1, O2V2)))
    assert view.totals("c-1") == {"orderCount": 1, "totalCents": 5000}
    assert view.markers("c-1") == {"ORDER#o-1": 2, "ORDER#o-2": 2}
    result = handler(batch(stream_record("5", O1V2, None), stream_record("6", O2V2, None)))
    assert result == {"batchItemFailures": []}
    assert view.totals("c-1") == {"orderCount": 0, "totalCents": 0}
    assert view.markers("c-1") == {}


def test_applies_a_redelivered_batch_only_once() -> None:
    view = FakeViewTable()
    handler, lines = projector(view)
    records = batch(stream_record("1", None, O1V1), stream_record("2", O1V1, O1V2), stream_record("3", None, O2V1))
    handler(records)
    once = view.totals("c-1")
    assert once == {"orderCount": 2, "totalCents": 6000}
    assert handler(records) == {"batchItemFailures": []}
    assert view.totals("c-1") == once
    assert [line["outcome"] for line in lines[3:]] == ["duplicate", "duplicate", "duplicate"]
    # A re-created order starts a new chain and counts again.
    handler(batch(stream_record("4", O1V2, None), stream_record("5", None, O1V1)))
    assert view.totals("c-1") == {"orderCount": 2, "totalCents": 5200}
    # A change of an order the view never saw created is skipped the same way: it needs a backfill.
    older = order("c-1", "o-9", status="PLACED", total_cents=700, version=4)
    handler(batch(stream_record("6", older, {**older, "version": 5})))
    assert view.totals("c-1") == {"orderCount": 2, "totalCents": 5200}
    assert lines[-1]["outcome"] == "duplicate"


def test_reports_the_first_failing_record_and_picks_up_from_it_on_the_retry() -> None:
    view = FakeViewTable()
    handler, _ = projector(view)
    view.fail_on_call = (2, ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems"))
    records = batch(stream_record("1", None, O1V1), stream_record("2", None, O2V1), stream_record("3", O1V1, O1V2))
    assert handler(records) == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    # Nothing after the failed record was touched.
    assert view.totals("c-1") == {"orderCount": 1, "totalCents": 4200}
    # Lambda may send the whole batch again (bisect, or a retry of the invocation).
    assert handler(records) == {"batchItemFailures": []}
    assert view.totals("c-1") == {"orderCount": 2, "totalCents": 6000}


def test_reports_an_order_that_breaks_the_version_contract_instead_of_counting_it() -> None:
    view = FakeViewTable()
    handler, lines = projector(view)
    result = handler(
        batch(stream_record("1", None, O1V1), stream_record("2", O1V1, {**O1V1, "totalCents": 9900}), stream_record("3", None, O2V1))
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert view.totals("c-1") == {"orderCount": 1, "totalCents": 4200}
    assert any(line["level"] == "ERROR" and line["sequenceNumber"] == "2" for line in lines)


def test_skips_a_record_that_is_not_an_order_without_writing() -> None:
    view = FakeViewTable()
    handler, lines = projector(view)
    assert handler(batch(stream_record("1", None, profile("c-1", "Ana")))) == {"batchItemFailures": []}
    assert view.calls == 0
    assert lines[0]["level"] == "WARN"


def test_treats_only_a_failed_condition_as_a_duplicate_and_lets_other_refusals_be_retried() -> None:
    change = to_order_change(stream_record("1", None, O1V1))
    assert change is not None

    def refuse(codes: list[str]) -> Any:
        def write(_request: dict[str, Any]) -> None:
            raise ClientError(
                {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}, "CancellationReasons": [{"Code": c} for c in codes]},
                "TransactWriteItems",
            )

        return write

    assert apply_change(refuse(["ConditionalCheckFailed", "None"]), "Totals", change, "now") == "duplicate"
    with pytest.raises(ClientError, match="cancelled"):
        apply_change(refuse(["None", "TransactionConflict"]), "Totals", change, "now")

    def throttled(_request: dict[str, Any]) -> None:
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "throttled"}}, "TransactWriteItems")

    with pytest.raises(ClientError, match="throttled"):
        apply_change(throttled, "Totals", change, "now")
