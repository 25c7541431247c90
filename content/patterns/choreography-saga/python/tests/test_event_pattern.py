import pytest

from tests.event_pattern import matches

# The matcher is what proves the event flow graph, so it is tested on its own first.
EVENT = {"source": "shop.payments", "detail-type": "PaymentFailed", "detail": {"orderId": "ord-1", "amountCents": 900, "tags": ["gift", "rush"]}}


def test_matches_a_field_only_against_the_alternatives_listed_and_needs_every_field_to_match() -> None:
    assert matches({"source": ["shop.payments"], "detail-type": ["PaymentFailed", "PaymentRefunded"]}, EVENT)
    assert not matches({"source": ["shop.payments"], "detail-type": ["PaymentCompleted"]}, EVENT)
    assert not matches({"source": ["shop.orders"], "detail-type": ["PaymentFailed"]}, EVENT)
    assert not matches({"account": ["123456789012"]}, EVENT)


def test_descends_into_detail_and_applies_prefix_anything_but_numeric_exists_and_array_semantics() -> None:
    assert matches({"detail": {"orderId": [{"prefix": "ord-"}]}}, EVENT)
    assert not matches({"detail": {"orderId": [{"anything-but": ["ord-1"]}]}}, EVENT)
    assert matches({"detail": {"amountCents": [{"numeric": [">", 500, "<=", 900]}]}}, EVENT)
    assert not matches({"detail": {"amountCents": [{"numeric": [">", 900]}]}}, EVENT)
    assert matches({"detail": {"reason": [{"exists": False}]}}, EVENT)
    assert not matches({"detail": {"reason": [{"exists": True}]}}, EVENT)
    assert matches({"detail": {"tags": ["rush"]}}, EVENT)
    assert not matches({"detail": {"missing": {"deeper": ["x"]}}}, EVENT)
    assert matches({"$or": [{"source": ["nope"]}, {"detail": {"orderId": ["ord-1"]}}]}, EVENT)


def test_throws_on_an_operator_it_does_not_know_rather_than_guessing() -> None:
    with pytest.raises(ValueError, match="unsupported pattern operator"):
        matches({"detail": {"orderId": [{"wildcard": "ord-*"}]}}, EVENT)
    with pytest.raises(ValueError, match="must be lists or dicts"):
        matches({"source": "shop.payments"}, EVENT)
