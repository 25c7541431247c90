import pytest

from tests.event_pattern import matches

EVENT = {
    "source": "com.example.orders",
    "detail-type": "OrderPlaced",
    "detail": {"channel": "web", "tags": ["gift", "express"], "note": None},
}


def test_matches_exact_values_and_needs_every_field_of_the_pattern_to_match() -> None:
    assert matches({"source": ["com.example.orders"]}, EVENT)
    assert matches({"source": ["com.example.other", "com.example.orders"]}, EVENT)
    assert not matches({"source": ["com.example.orders"], "detail-type": ["OrderCancelled"]}, EVENT)
    assert matches({"detail": {"channel": ["web"]}}, EVENT)
    assert not matches({"detail": {"channel": ["Web"]}}, EVENT)
    assert matches({"detail": {"note": [None]}}, EVENT)


def test_matches_a_prefix_only_at_the_start_of_a_string() -> None:
    assert matches({"detail-type": [{"prefix": "Order"}]}, EVENT)
    assert not matches({"detail-type": [{"prefix": "Placed"}]}, EVENT)
    assert not matches({"detail-type": [{"prefix": "order"}]}, EVENT)


def test_exists_is_true_only_for_a_present_leaf_false_only_for_a_missing_field() -> None:
    assert matches({"replay-name": [{"exists": False}]}, EVENT)
    assert not matches({"replay-name": [{"exists": True}]}, EVENT)
    replayed = {**EVENT, "replay-name": "fill-ledger-gap"}
    assert not matches({"replay-name": [{"exists": False}]}, replayed)
    assert matches({"replay-name": [{"exists": True}]}, replayed)
    assert not matches({"detail": [{"exists": True}]}, EVENT), "an object is not a leaf"


def test_anything_but_excludes_the_listed_values_but_never_matches_a_missing_field() -> None:
    assert matches({"detail": {"channel": [{"anything-but": ["pos"]}]}}, EVENT)
    assert not matches({"detail": {"channel": [{"anything-but": ["pos", "web"]}]}}, EVENT)
    assert not matches({"detail": {"channel": [{"anything-but": "web"}]}}, EVENT)
    assert not matches({"detail": {"missing": [{"anything-but": ["pos"]}]}}, EVENT)
    assert not matches({"detail": {"channel": [{"anything-but": {"prefix": "w"}}]}}, EVENT)


def test_a_field_holding_an_array_matches_when_any_element_does() -> None:
    assert matches({"detail": {"tags": ["express"]}}, EVENT)
    assert matches({"detail": {"tags": [{"prefix": "gi"}]}}, EVENT)
    assert not matches({"detail": {"tags": ["standard"]}}, EVENT)


def test_refuses_operators_and_shapes_it_does_not_understand_instead_of_guessing() -> None:
    with pytest.raises(ValueError, match="not supported"):
        matches({"detail": {"total": [{"numeric": [">", 0]}]}}, EVENT)
    with pytest.raises(ValueError, match="array or an object"):
        matches({"source": "com.example.orders"}, EVENT)
    with pytest.raises(ValueError, match="invalid exists"):
        matches({"source": [{"exists": "yes"}]}, EVENT)
