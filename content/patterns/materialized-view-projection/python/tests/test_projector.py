import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError

import projector
from projection import DynamoViews
from tests.histories import VIEW, account, batch, event, insert_record, projector_for

HISTORY = [
    event("o-1", 1, "OrderPlaced", {"customerId": "c-1"}),
    event("o-1", 2, "ItemAdded", {"sku": "mug", "quantity": 2, "unitPriceCents": 1250}),
    event("o-1", 3, "OrderPaid"),
]


def records_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [insert_record(item, i + 1) for i, item in enumerate(items)]


def test_advances_each_order_once_per_batch_with_one_read_and_one_write() -> None:
    other = event("o-2", 1, "OrderPlaced", {"customerId": "c-2"})
    fake = account([*HISTORY, other])
    lines: list[dict[str, Any]] = []
    result = projector_for(fake, lines.append)(batch(records_of([*HISTORY, other])))
    assert result == {"batchItemFailures": []}
    assert [name for name, _ in fake.calls] == ["GetItem", "PutItem", "GetItem", "PutItem"]
    assert (DynamoViews(fake, VIEW).load("o-1") or {})["totalCents"] == 2500
    assert [(l["message"], l["orderId"], l["from"], l["to"]) for l in lines] == [
        ("view advanced", "o-1", 0, 3),
        ("view advanced", "o-2", 0, 1),
    ]


def test_skips_a_redelivered_batch_without_writing() -> None:
    fake = account(HISTORY)
    project = projector_for(fake)
    records = records_of(HISTORY)
    project(batch(records))
    before = fake.items(VIEW)
    writes = sum(1 for name, _ in fake.calls if name == "PutItem")
    assert project(batch([records[2], records[0], records[1]])) == {"batchItemFailures": []}
    assert sum(1 for name, _ in fake.calls if name == "PutItem") == writes
    assert fake.items(VIEW) == before


def test_reports_the_earliest_record_an_order_could_not_apply_and_still_advances_the_other_orders() -> None:
    bad = [
        event("o-9", 1, "OrderPlaced", {"customerId": "c-9"}),
        event("o-9", 2, "OrderRefunded", {"amountCents": 1}),
        event("o-9", 3, "OrderShipped", {"trackingNumber": "T"}),
    ]
    fake = account([*HISTORY, *bad])
    lines: list[dict[str, Any]] = []
    # Stream order: o-9 v1, o-1 v1, o-9 v2 (bad), o-1 v2, o-9 v3, o-1 v3.
    records = records_of([bad[0], HISTORY[0], bad[1], HISTORY[1], bad[2], HISTORY[2]])
    result = projector_for(fake, lines.append)(batch(records))
    assert result == {"batchItemFailures": [{"itemIdentifier": records[2]["dynamodb"]["SequenceNumber"]}]}
    views = DynamoViews(fake, VIEW)
    assert (views.load("o-9") or {})["lastVersion"] == 1, "o-9 keeps every event before the bad one"
    assert (views.load("o-1") or {})["lastVersion"] == 3, "o-1 is not held back by o-9"
    assert any(l["level"] == "ERROR" and l["orderId"] == "o-9" and l.get("stuckAt") == 2 for l in lines)


def test_reports_an_order_from_its_first_record_when_the_view_table_fails() -> None:
    fake = account(HISTORY)
    fake.fail_with = lambda name, _kwargs: ClientError({"Error": {"Code": "ThrottlingException", "Message": "throttled"}}, name) if name == "GetItem" else None
    records = records_of(HISTORY)
    result = projector_for(fake)(batch([records[1], records[0], records[2]]))
    assert result == {"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}


def test_fails_a_record_that_carries_no_event() -> None:
    fake = account(HISTORY)
    broken = {**insert_record(HISTORY[0], 1), "dynamodb": {"SequenceNumber": "000000000000000000001"}}
    result = projector_for(fake)(batch([broken, insert_record(HISTORY[0], 2)]))
    assert result == {"batchItemFailures": [{"itemIdentifier": "000000000000000000001"}]}


def test_logs_through_the_lambda_json_logger(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    projector._log({"level": "ERROR", "message": "view not advanced", "orderId": "o-1", "stuckAt": 2})
    (record,) = caplog.records
    assert record.levelno == logging.ERROR
    assert '"orderId": "o-1"' in record.getMessage()
