import datetime
from typing import Any

import pytest

from loader import create_handler, dynamo_put, iso_timestamp, order_item

DETAIL: dict[str, Any] = {
    "bucket": "landing",
    "key": "in/orders.csv",
    "row": 2,
    "order": {"orderId": "A-1001", "customer": "Ada Lovelace", "amountCents": 1250, "currency": "EUR", "orderDate": "2026-11-02"},
}
LOADED_AT = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.timezone.utc)


def test_keys_the_item_by_order_id_and_records_where_the_row_came_from() -> None:
    assert order_item(DETAIL, "2026-11-22T10:00:00.000Z") == {  # type: ignore[arg-type]
        "orderId": {"S": "A-1001"},
        "customer": {"S": "Ada Lovelace"},
        "amountCents": {"N": "1250"},
        "currency": {"S": "EUR"},
        "orderDate": {"S": "2026-11-02"},
        "sourceFile": {"S": "s3://landing/in/orders.csv"},
        "sourceRow": {"N": "2"},
        "loadedAt": {"S": "2026-11-22T10:00:00.000Z"},
    }


def test_writes_the_same_item_when_the_same_row_is_delivered_twice() -> None:
    items: list[dict[str, Any]] = []
    handler = create_handler(items.append, lambda: LOADED_AT)
    event = {"detail": DETAIL}
    handler(event)
    handler(event)
    assert len(items) == 2
    assert items[0] == items[1]
    assert items[0]["orderId"] == {"S": "A-1001"}
    assert items[0]["loadedAt"] == {"S": "2026-11-22T10:00:00.000Z"}


def test_lets_a_dynamodb_failure_surface_so_lambda_retries_and_finally_parks_the_event() -> None:
    def failing(_item: dict[str, Any]) -> None:
        raise RuntimeError("ProvisionedThroughputExceededException")

    with pytest.raises(RuntimeError, match="Provisioned"):
        create_handler(failing)({"detail": DETAIL})


def test_puts_the_item_into_the_named_table_and_stamps_utc_times_like_javascript() -> None:
    calls: list[dict[str, Any]] = []

    class FakeDynamoDB:
        def put_item(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            return {}

    dynamo_put(FakeDynamoDB(), "Orders")({"orderId": {"S": "A-1"}})
    assert calls == [{"TableName": "Orders", "Item": {"orderId": {"S": "A-1"}}}]
    two_hours_east = datetime.timezone(datetime.timedelta(hours=2))
    assert iso_timestamp(datetime.datetime(2026, 11, 22, 12, 0, 0, 123456, tzinfo=two_hours_east)) == "2026-11-22T10:00:00.123Z"
