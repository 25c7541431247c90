"""The stack tests lean on this matcher, so it is tested first against EventBridge's documented behaviour."""

import pytest

from tests.event_pattern import matches, sample_event


def test_matches_exact_values_on_top_level_and_nested_fields_and_refuses_others() -> None:
    pattern = {"source": ["com.example.orders"], "detail": {"carrier": ["UPS", "DHL"]}}
    assert matches(pattern, sample_event())
    assert not matches(pattern, sample_event(source="com.example.billing"))
    assert not matches(pattern, sample_event(detail={"carrier": "FedEx"}))
    assert not matches(pattern, sample_event(detail={}))


def test_is_case_sensitive_unless_told_otherwise_as_eventbridge_is() -> None:
    assert not matches({"detail-type": ["OrderShipped"]}, sample_event(detail_type="ordershipped"))
    assert matches({"detail-type": [{"equals-ignore-case": "ordershipped"}]}, sample_event())


def test_supports_prefix_suffix_anything_but_exists_and_numeric_operators() -> None:
    assert matches({"detail": {"orderId": [{"prefix": "ORD-"}]}}, sample_event())
    assert not matches({"detail": {"orderId": [{"suffix": "9"}]}}, sample_event())
    assert not matches({"account": [{"anything-but": ["111111111111"]}]}, sample_event())
    assert matches({"detail": {"returned": [{"exists": False}]}}, sample_event())
    assert not matches({"detail": {"carrier": [{"exists": False}]}}, sample_event())
    assert matches({"detail": {"weight": [{"numeric": [">", 0, "<=", 30]}]}}, sample_event(detail={"weight": 12}))
    assert not matches({"detail": {"weight": [{"numeric": [">", 0, "<=", 30]}]}}, sample_event(detail={"weight": 31}))


def test_matches_an_array_value_when_any_element_matches() -> None:
    assert matches({"resources": ["arn:aws:s3:::a"]}, sample_event(resources=["arn:aws:s3:::b", "arn:aws:s3:::a"]))
    assert not matches({"resources": ["arn:aws:s3:::a"]}, sample_event())


def test_refuses_patterns_eventbridge_would_refuse_instead_of_matching_everything() -> None:
    with pytest.raises(ValueError):
        matches({}, sample_event())
    with pytest.raises(ValueError):
        matches({"source": []}, sample_event())
