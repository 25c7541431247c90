import pytest

from tests.jsonata_subset import evaluate, evaluate_field


def test_treats_a_comparison_with_a_missing_value_as_false_and_drops_missing_values_from_objects_as_jsonata_does() -> None:
    states = {"input": {"fraud": {"status": "UNAVAILABLE"}}}
    assert evaluate("$states.input.fraud.score >= 40", {"states": states}) is False
    assert evaluate("$states.input.fraud.status = 'UNAVAILABLE' or $states.input.fraud.score >= 40", {"states": states}) is True
    assert evaluate("{'a': $states.input.missing, 'b': 1}", {"states": states}) == {"b": 1}
    assert evaluate("$exists($states.input.fraud) and $number('7') >= 7 ? 'yes' : 'no'", {"states": states}) == "yes"


def test_refuses_expressions_outside_the_subset_instead_of_guessing() -> None:
    with pytest.raises(ValueError, match="outside this subset"):
        evaluate("$sum($states.input.items.quantity)", {"states": {}})
    with pytest.raises(ValueError, match="unsupported JSONata|unparsed input"):
        evaluate("1 + 2", {"states": {}})
    assert evaluate_field({"a": "{% 1 %}", "b": "plain", "c": ["{% true %}"]}, {}) == {"a": 1, "b": "plain", "c": [True]}
