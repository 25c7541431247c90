import pytest

from functions.calculator.operations import OPERATIONS, answer, calculate, is_operation, parse_operand


def test_adds_subtracts_and_multiplies() -> None:
    assert calculate("add", 3, 4) == 7
    assert calculate("subtract", 3, 4) == -1
    assert calculate("multiply", 3, 4) == 12
    assert calculate("multiply", -2.5, 4) == -10


def test_offers_exactly_the_three_operations_the_stacks_route() -> None:
    assert OPERATIONS == ("add", "subtract", "multiply")
    assert is_operation("multiply") is True
    assert is_operation("divide") is False


def test_accepts_integers_decimals_negatives_and_exponents() -> None:
    assert parse_operand("42") == 42
    assert parse_operand(" -1.5 ") == -1.5
    assert parse_operand("2e3") == 2000


@pytest.mark.parametrize("raw", ["", "   ", "abc", "NaN", "nan", "Infinity", "inf", "1e999", "1_000", "1" * 33])
def test_refuses_what_float_would_quietly_turn_into_nan_or_infinity(raw: str) -> None:
    assert parse_operand(raw) is None


def test_refuses_missing_and_repeated_parameters() -> None:
    assert parse_operand(None) is None
    assert parse_operand(["1", "2"]) is None


def test_returns_the_operands_and_the_result() -> None:
    assert answer("subtract", {"a": "10", "b": "4"}) == {
        "statusCode": 200,
        "body": {"operation": "subtract", "a": 10, "b": 4, "result": 6},
    }
    # Whole numbers stay whole in the JSON, fractions keep their point.
    assert answer("multiply", {"a": "1.5", "b": "2"})["body"] == {"operation": "multiply", "a": 1.5, "b": 2, "result": 3}
    assert isinstance(answer("add", {"a": "1", "b": "2"})["body"]["result"], int)


@pytest.mark.parametrize("query", [None, {}, {"a": "1"}, {"a": "1", "b": "two"}])
def test_answers_400_with_a_usage_hint_when_an_operand_is_missing_or_invalid(query: dict | None) -> None:
    result = answer("add", query)
    assert result["statusCode"] == 400
    assert "/add?a=3&b=4" in result["body"]["message"]


def test_answers_422_instead_of_returning_infinity() -> None:
    assert answer("multiply", {"a": "1e200", "b": "1e200"})["statusCode"] == 422
