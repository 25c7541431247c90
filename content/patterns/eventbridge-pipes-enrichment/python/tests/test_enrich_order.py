import logging
from typing import Any

import pytest

from functions.enrich_order import MAX_ATTEMPTS, MalformedOrder, create_handler, dynamo_lookup
from tests.fixtures import PRIORITY_ORDER, sqs_record

TABLE = "Customers"

ITEMS: dict[str, dict[str, Any]] = {
    "cust-42": {"customerId": {"S": "cust-42"}, "name": {"S": "Ada Lovelace"}, "tier": {"S": "gold"}, "country": {"S": "GB"}},
    "cust-7": {"customerId": {"S": "cust-7"}, "name": {"S": "Grace Hopper"}, "tier": {"S": "silver"}, "country": {"S": "US"}},
}


class FakeDynamo:
    """Stands in for the boto3 DynamoDB client: answers batch_get_item from ITEMS and records every request.
    `unprocessed(call)` names keys to hand back unprocessed on that call (1-based)."""

    def __init__(self, unprocessed: Any = lambda _call: []) -> None:
        self.requests: list[dict[str, Any]] = []
        self._unprocessed = unprocessed

    def batch_get_item(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        ask = kwargs["RequestItems"][TABLE]
        ids = [k["customerId"]["S"] for k in ask["Keys"]]
        skip = set(self._unprocessed(len(self.requests)))
        result: dict[str, Any] = {"Responses": {TABLE: [ITEMS[i] for i in ids if i not in skip and i in ITEMS]}, "UnprocessedKeys": {}}
        if skip:
            result["UnprocessedKeys"] = {TABLE: {**ask, "Keys": [{"customerId": {"S": i}} for i in ids if i in skip]}}
        return result


def no_pause(_seconds: float) -> None:
    pass


def handler_for(client: Any) -> Any:
    return create_handler(dynamo_lookup(client, TABLE, no_pause))


def test_enriches_every_order_with_its_customer_in_the_order_the_pipe_sent_them() -> None:
    second = {**PRIORITY_ORDER, "orderId": "ord-1002", "customerId": "cust-7", "total": 12}
    result = handler_for(FakeDynamo())([sqs_record(PRIORITY_ORDER, "m1"), sqs_record(second, "m2")])
    assert result == [
        {"messageId": "m1", "order": PRIORITY_ORDER, "customer": {"found": True, "name": "Ada Lovelace", "tier": "gold", "country": "GB"}},
        {"messageId": "m2", "order": second, "customer": {"found": True, "name": "Grace Hopper", "tier": "silver", "country": "US"}},
    ]


def test_reads_each_distinct_customer_once_in_one_call_projecting_only_name_tier_and_country() -> None:
    dynamo = FakeDynamo()
    handler_for(dynamo)(
        [sqs_record(PRIORITY_ORDER, "m1"), sqs_record({**PRIORITY_ORDER, "orderId": "ord-2"}, "m2"), sqs_record({**PRIORITY_ORDER, "customerId": "cust-7"}, "m3")]
    )
    assert len(dynamo.requests) == 1
    assert dynamo.requests[0]["RequestItems"] == {
        TABLE: {
            "Keys": [{"customerId": {"S": "cust-42"}}, {"customerId": {"S": "cust-7"}}],
            "ProjectionExpression": "customerId, #name, tier, country",
            "ExpressionAttributeNames": {"#name": "name"},
        }
    }


def test_passes_an_order_from_an_unknown_customer_on_marked_unknown_instead_of_dropping_it(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        (only,) = handler_for(FakeDynamo())([sqs_record({**PRIORITY_ORDER, "customerId": "cust-404"}, "m1")])
    assert only["customer"] == {"found": False, "name": "", "tier": "unknown", "country": ""}
    assert only["order"]["orderId"] == "ord-1001"
    assert "cust-404" in caplog.text


def test_asks_again_for_keys_dynamodb_left_unprocessed() -> None:
    dynamo = FakeDynamo(lambda call: ["cust-7"] if call == 1 else [])
    result = handler_for(dynamo)([sqs_record(PRIORITY_ORDER, "m1"), sqs_record({**PRIORITY_ORDER, "customerId": "cust-7"}, "m2")])
    assert len(dynamo.requests) == 2
    assert dynamo.requests[1]["RequestItems"][TABLE]["Keys"] == [{"customerId": {"S": "cust-7"}}]
    assert [r["customer"]["name"] for r in result] == ["Ada Lovelace", "Grace Hopper"]


def test_fails_the_whole_batch_when_keys_stay_unprocessed_after_3_attempts_or_dynamodb_errors() -> None:
    assert MAX_ATTEMPTS == 3
    stuck = FakeDynamo(lambda _call: ["cust-42"])
    with pytest.raises(RuntimeError, match="unprocessed after 3 attempts"):
        handler_for(stuck)([sqs_record(PRIORITY_ORDER)])
    assert len(stuck.requests) == MAX_ATTEMPTS

    class Failing:
        def batch_get_item(self, **_kwargs: Any) -> dict[str, Any]:
            raise RuntimeError("ProvisionedThroughputExceededException")

    with pytest.raises(RuntimeError, match="ProvisionedThroughputExceeded"):
        handler_for(Failing())([sqs_record(PRIORITY_ORDER)])


def test_fails_the_whole_batch_on_a_malformed_order_naming_its_message_before_reading_anything() -> None:
    dynamo = FakeDynamo()
    handler = handler_for(dynamo)
    with pytest.raises(MalformedOrder, match="message bad: body is not JSON"):
        handler([sqs_record(PRIORITY_ORDER, "good"), sqs_record("not json", "bad")])
    with pytest.raises(MalformedOrder, match="message m9: total is not a number"):
        handler([sqs_record({**PRIORITY_ORDER, "total": "12"}, "m9")])
    with pytest.raises(MalformedOrder, match="message m8: customerId is missing"):
        handler([sqs_record({"orderId": "o", "total": 1}, "m8")])
    assert dynamo.requests == []


def test_returns_an_empty_array_for_an_empty_batch_without_calling_dynamodb() -> None:
    dynamo = FakeDynamo()
    assert handler_for(dynamo)([]) == []
    assert dynamo.requests == []
