import json
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError

from order_writer import Tables, create_handler
from outbox_item import EVENT_SOURCE, OUTBOX_RETENTION_DAYS

TABLES = Tables(orders="Orders-table", outbox="Outbox-table")
AT = datetime(2026, 12, 5, 10, 0, 0, tzinfo=timezone.utc)
AT_ISO = "2026-12-05T10:00:00.000Z"
EVENT_ID = "0b7c6f0e-5d55-4d8f-9a53-2f1b8b8a7c01"
ORDER = {"orderId": "o-1001", "customerId": "c-42", "amount": 2599, "currency": "EUR"}

_deserializer = TypeDeserializer()


def unmarshall(image: dict[str, Any]) -> dict[str, Any]:
    # Numbers come back as Decimal; int() keeps the comparisons plain.
    values = {k: _deserializer.deserialize(v) for k, v in image.items()}
    return {k: int(v) if type(v).__name__ == "Decimal" else v for k, v in values.items()}


class StubDynamoDB:
    """A DynamoDB client stand-in that records each transaction and answers as told."""

    def __init__(self, answer: Callable[[dict[str, Any]], Optional[Exception]] = lambda _r: None) -> None:
        self.sent: list[dict[str, Any]] = []
        self._answer = answer

    def transact_write_items(self, **request: Any) -> dict[str, Any]:
        self.sent.append(request)
        error = self._answer(request)
        if error:
            raise error
        return {}


def request(route_key: str, body: Any, order_id: Optional[str] = None) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "body": body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
        "pathParameters": {"orderId": order_id} if order_id else None,
    }


def writer(client: StubDynamoDB, log: Callable[[dict[str, Any]], None] = lambda _l: None) -> Any:
    return create_handler(client, TABLES, new_id=lambda: EVENT_ID, now=lambda: AT, log=log)


def canceled(*codes: str) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
            "CancellationReasons": [{"Code": code} for code in codes],
        },
        "TransactWriteItems",
    )


def test_writes_the_order_and_its_order_placed_event_in_one_transaction_each_under_its_condition() -> None:
    stub = StubDynamoDB()
    response = writer(stub)(request("POST /orders", ORDER), None)
    assert response["statusCode"] == 201
    assert json.loads(response["body"]) == {"orderId": "o-1001", "status": "PLACED", "version": 1, "eventId": EVENT_ID}

    assert len(stub.sent) == 1
    (sent,) = stub.sent
    assert sent["ClientRequestToken"] == EVENT_ID
    order, event = sent["TransactItems"]
    assert order["Put"]["TableName"] == "Orders-table"
    assert order["Put"]["ConditionExpression"] == "attribute_not_exists(orderId)"
    assert event["Put"]["TableName"] == "Outbox-table"
    assert event["Put"]["ConditionExpression"] == "attribute_not_exists(eventId)"

    saved = unmarshall(order["Put"]["Item"])
    assert saved == {**ORDER, "status": "PLACED", "version": 1, "updatedAt": AT_ISO}
    outbox = unmarshall(event["Put"]["Item"])
    assert {k: v for k, v in outbox.items() if k != "detail"} == {
        "eventId": EVENT_ID,
        "aggregateId": "o-1001",
        "version": 1,
        "source": EVENT_SOURCE,
        "eventType": "OrderPlaced",
        "occurredAt": AT_ISO,
        "expiresAt": int(AT.timestamp()) + OUTBOX_RETENTION_DAYS * 86_400,
    }
    # The event says exactly what the order item says, because both come from the same values.
    assert json.loads(outbox["detail"]) == {
        "eventId": EVENT_ID,
        "orderId": saved["orderId"],
        "version": saved["version"],
        "occurredAt": saved["updatedAt"],
        "customerId": saved["customerId"],
        "amount": saved["amount"],
        "currency": saved["currency"],
        "status": saved["status"],
    }


def test_cancels_only_a_placed_order_at_the_expected_version_and_gives_the_event_the_version_that_results() -> None:
    stub = StubDynamoDB()
    response = writer(stub)(request("POST /orders/{orderId}/cancel", {"expectedVersion": 1, "reason": "changed my mind"}, "o-1001"), None)
    assert response["statusCode"] == 200
    update, event = stub.sent[0]["TransactItems"]
    assert update["Update"]["TableName"] == "Orders-table"
    assert unmarshall(update["Update"]["Key"]) == {"orderId": "o-1001"}
    assert update["Update"]["ConditionExpression"] == "#status = :placed AND #version = :expected"
    values = unmarshall(update["Update"]["ExpressionAttributeValues"])
    assert [values[":placed"], values[":expected"], values[":cancelled"], values[":next"]] == ["PLACED", 1, "CANCELLED", 2]
    outbox = unmarshall(event["Put"]["Item"])
    assert outbox["eventType"] == "OrderCancelled"
    assert outbox["version"] == 2
    assert json.loads(outbox["detail"]) == {
        "eventId": EVENT_ID,
        "orderId": "o-1001",
        "version": values[":next"],
        "occurredAt": values[":at"],
        "status": values[":cancelled"],
        "reason": values[":reason"],
    }


def test_answers_409_when_the_order_condition_cancels_the_transaction_so_neither_item_is_written() -> None:
    stub = StubDynamoDB(lambda _r: canceled("ConditionalCheckFailed", "None"))
    again = writer(stub)(request("POST /orders", ORDER), None)
    assert again["statusCode"] == 409
    assert "already exists" in json.loads(again["body"])["message"]
    stale = writer(stub)(request("POST /orders/{orderId}/cancel", {"expectedVersion": 3, "reason": "late"}, "o-1001"), None)
    assert stale["statusCode"] == 409
    assert "not PLACED at version 3" in json.loads(stale["body"])["message"]
    # Each attempt was one transaction holding both writes: DynamoDB applies all of it or none.
    assert [len(r["TransactItems"]) for r in stub.sent] == [2, 2]


def test_refuses_a_malformed_request_with_400_before_calling_dynamodb() -> None:
    stub = StubDynamoDB()
    handler = writer(stub)
    bad: list[tuple[str, Any, Optional[str]]] = [
        ("POST /orders", "not json", None),
        ("POST /orders", [ORDER], None),
        ("POST /orders", {**ORDER, "orderId": 'o 1"'}, None),
        ("POST /orders", {**ORDER, "amount": 25.99}, None),
        ("POST /orders", {**ORDER, "amount": 0}, None),
        ("POST /orders", {**ORDER, "amount": True}, None),
        ("POST /orders", {**ORDER, "currency": "euro"}, None),
        ("POST /orders/{orderId}/cancel", {"expectedVersion": 0, "reason": "x"}, "o-1001"),
        ("POST /orders/{orderId}/cancel", {"expectedVersion": 1, "reason": ""}, "o-1001"),
        ("POST /orders/{orderId}/cancel", {"expectedVersion": 1, "reason": "x" * 201}, "o-1001"),
    ]
    for route, body, order_id in bad:
        assert handler(request(route, body, order_id), None)["statusCode"] == 400, body
    assert stub.sent == []


def test_answers_a_generic_500_when_the_transaction_fails_for_any_other_reason() -> None:
    lines: list[dict[str, Any]] = []
    stub = StubDynamoDB(lambda _r: canceled("None", "TransactionConflict"))
    response = writer(stub, lines.append)(request("POST /orders", ORDER), None)
    assert response["statusCode"] == 500
    assert "table" not in response["body"].lower() and "transaction" not in response["body"].lower()
    assert lines[0]["message"] == "order transaction failed"
