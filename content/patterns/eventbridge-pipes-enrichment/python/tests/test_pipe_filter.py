import pytest

from eventbridge_pipes_enrichment.priority_orders_pipe import PIPE_FILTER
from tests.event_pattern import matches_pattern, sqs_record_matches
from tests.fixtures import PRIORITY_ORDER, sqs_record, without


def passes(body: object) -> bool:
    return sqs_record_matches(PIPE_FILTER, sqs_record(body))


def test_lets_a_well_formed_priority_order_through() -> None:
    assert passes(PRIORITY_ORDER) is True
    assert passes({"orderId": "ord-7", "orderType": "priority", "customerId": "cust-1", "total": 0.01}) is True


def test_drops_standard_orders_an_order_type_of_the_wrong_case_and_an_order_without_one() -> None:
    assert passes({**PRIORITY_ORDER, "orderType": "standard"}) is False
    assert passes({**PRIORITY_ORDER, "orderType": "Priority"}) is False
    assert passes({**PRIORITY_ORDER, "orderType": ["priority", "gift"]}) is True, "a list matches when one element does"
    assert passes(without(PRIORITY_ORDER, "orderType")) is False


def test_drops_an_order_whose_total_is_missing_zero_negative_or_a_string() -> None:
    assert passes(without(PRIORITY_ORDER, "total")) is False
    assert passes({**PRIORITY_ORDER, "total": 0}) is False
    assert passes({**PRIORITY_ORDER, "total": -5}) is False
    assert passes({**PRIORITY_ORDER, "total": "129.5"}) is False


def test_drops_a_customer_id_without_the_cust_prefix_and_an_order_without_an_id() -> None:
    assert passes({**PRIORITY_ORDER, "customerId": "42"}) is False
    assert passes({**PRIORITY_ORDER, "customerId": "CUST-42"}) is False
    assert passes({**PRIORITY_ORDER, "customerId": 42}) is False
    assert passes(without(PRIORITY_ORDER, "orderId")) is False


def test_drops_a_message_whose_body_is_not_json() -> None:
    assert sqs_record_matches(PIPE_FILTER, sqs_record("priority order for cust-42, total 129.5")) is False
    assert sqs_record_matches(PIPE_FILTER, sqs_record("")) is False


def test_the_evaluator_refuses_operators_it_does_not_implement_so_a_new_one_cannot_pass_unchecked() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        matches_pattern({"body": {"orderType": [{"anything-but": ["standard"]}]}}, {"body": {"orderType": "x"}})
    with pytest.raises(ValueError, match="unsupported"):
        matches_pattern({"body": {"total": [{"numeric": ["!=", 1]}]}}, {"body": {"total": 2}})
