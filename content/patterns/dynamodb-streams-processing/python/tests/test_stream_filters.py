import json
from typing import Any

import pytest
from aws_cdk.assertions import Template

from dynamodb_streams_processing.dynamodb_streams_processing_stack import DynamodbStreamsProcessingStack
from tests.cdk_app import app_from_cdk_json
from tests.filter_matcher import matches_pattern, passes_filters
from tests.records import cart, order, profile, stream_record

Patterns = list[dict[str, Any]]


def test_implements_equals_prefix_anything_but_and_exists_as_lambda_documents_them() -> None:
    record = {"dynamodb": {"Keys": {"sk": {"S": "ORDER#o-1"}}, "NewImage": {"status": {"S": "PLACED"}}}}
    assert matches_pattern({"dynamodb": {"NewImage": {"status": {"S": ["SHIPPED", "PLACED"]}}}}, record)
    assert not matches_pattern({"dynamodb": {"NewImage": {"status": {"S": ["SHIPPED"]}}}}, record)
    assert matches_pattern({"dynamodb": {"Keys": {"sk": {"S": [{"prefix": "ORDER#"}]}}}}, record)
    assert not matches_pattern({"dynamodb": {"Keys": {"sk": {"S": [{"prefix": "CART"}]}}}}, record)
    assert matches_pattern({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["CANCELLED"]}]}}}}, record)
    assert not matches_pattern({"dynamodb": {"NewImage": {"status": {"S": [{"anything-but": ["PLACED"]}]}}}}, record)
    # A missing field matches nothing but exists: false, also below a missing object.
    assert not matches_pattern({"dynamodb": {"OldImage": {"status": {"S": [{"anything-but": ["X"]}]}}}}, record)
    assert matches_pattern({"dynamodb": {"OldImage": {"status": {"S": [{"exists": False}]}}}}, record)
    assert not matches_pattern({"dynamodb": {"NewImage": {"status": {"S": [{"exists": False}]}}}}, record)
    assert matches_pattern({"dynamodb": {"NewImage": {"status": {"S": [{"exists": True}]}}}}, record)
    with pytest.raises(ValueError, match="unsupported"):
        matches_pattern({"dynamodb": {"NewImage": {"status": {"S": [{"suffix": "D"}]}}}}, record)


def _patterns_of(template: Template, function_prefix: str) -> Patterns:
    mappings = [
        m
        for m in template.find_resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"]["Ref"].startswith(function_prefix)
    ]
    assert len(mappings) == 1, function_prefix
    return [json.loads(f["Pattern"]) for f in mappings[0]["Properties"]["FilterCriteria"]["Filters"]]


@pytest.fixture(scope="module")
def filters() -> dict[str, Patterns]:
    template = Template.from_stack(DynamodbStreamsProcessingStack(app_from_cdk_json(), "Filters"))
    return {"totals": _patterns_of(template, "TotalsProjector"), "audit": _patterns_of(template, "RemovalAudit")}


PLACED = order("c-1", "o-1", status="PLACED", total_cents=4200, version=1)


def test_send_the_totals_projector_every_order_record_and_nothing_else(filters: dict[str, Patterns]) -> None:
    totals = filters["totals"]
    assert totals == [
        {"dynamodb": {"NewImage": {"entityType": {"S": ["ORDER"]}}}},
        {"dynamodb": {"OldImage": {"entityType": {"S": ["ORDER"]}}}},
    ]
    cancelled = {**PLACED, "status": "CANCELLED", "version": 2}
    assert passes_filters(totals, stream_record("1", None, PLACED)), "order created"
    assert passes_filters(totals, stream_record("2", PLACED, cancelled)), "order changed"
    assert passes_filters(totals, stream_record("3", cancelled, None)), "order deleted"
    assert not passes_filters(totals, stream_record("4", None, profile("c-1", "Ana"))), "profile created"
    assert not passes_filters(totals, stream_record("5", profile("c-1", "Ana"), profile("c-1", "Ana B"))), "profile changed"
    assert not passes_filters(totals, stream_record("6", None, cart("c-1", 2))), "cart created"
    assert not passes_filters(totals, stream_record("7", cart("c-1", 2), None, ttl=True)), "cart expired"


def test_send_the_removal_audit_deletions_of_anything_but_carts(filters: dict[str, Patterns]) -> None:
    audit = filters["audit"]
    assert audit == [
        {"dynamodb": {"OldImage": {"entityType": {"S": [{"anything-but": ["CART"]}]}}, "NewImage": {"entityType": {"S": [{"exists": False}]}}}}
    ]
    assert passes_filters(audit, stream_record("1", PLACED, None)), "order deleted"
    assert passes_filters(audit, stream_record("2", profile("c-1", "Ana"), None)), "profile deleted"
    assert not passes_filters(audit, stream_record("3", None, PLACED)), "order created"
    assert not passes_filters(audit, stream_record("4", PLACED, {**PLACED, "version": 2})), "order changed"
    assert not passes_filters(audit, stream_record("5", cart("c-1", 2), None, ttl=True)), "cart expired"
    assert not passes_filters(audit, stream_record("6", cart("c-1", 2), None)), "cart emptied"


def test_deliver_each_consumer_only_its_share_of_a_mixed_stream(filters: dict[str, Patterns]) -> None:
    shipped = {**PLACED, "status": "SHIPPED", "version": 2}
    day = [
        stream_record("10", None, profile("c-1", "Ana")),
        *(stream_record(f"2{i}", None, cart("c-1", i + 1)) for i in range(6)),
        *(stream_record(f"3{i}", cart("c-1", i + 1), None, ttl=True) for i in range(6)),
        stream_record("40", None, PLACED),
        stream_record("41", PLACED, shipped),
        stream_record("42", shipped, None),
        stream_record("43", profile("c-1", "Ana"), None),
        # An item without entityType reaches neither consumer.
        stream_record("50", None, {"pk": "CUSTOMER#c-1", "sk": "NOTE"}),
        stream_record("51", {"pk": "CUSTOMER#c-1", "sk": "NOTE"}, None),
    ]

    def delivered(patterns: Patterns) -> list[str]:
        return [r["dynamodb"]["SequenceNumber"] for r in day if passes_filters(patterns, r)]

    assert delivered(filters["totals"]) == ["40", "41", "42"]
    assert delivered(filters["audit"]) == ["42", "43"]
