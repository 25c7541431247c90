import pytest

from order import order_from_message, parse_order


def test_accepts_a_valid_order_and_rounds_the_total_to_cents() -> None:
    assert parse_order('{"orderId":"o-1","customerId":"c-7","total":19.999,"currency":"USD"}') == {
        "orderId": "o-1",
        "customerId": "c-7",
        "total": 20,
        "currency": "USD",
    }


def test_lists_every_problem_at_once() -> None:
    parsed = parse_order('{"orderId":"has space","total":-1,"currency":"usd"}')
    assert isinstance(parsed, list)
    assert len(parsed) == 4


def test_refuses_bodies_that_are_not_a_json_object() -> None:
    assert parse_order("not json") == ["body must be JSON"]
    assert parse_order("[1]") == ["body must be a JSON object"]
    assert parse_order(None) == ["body must be JSON"]


def test_caps_the_total() -> None:
    assert isinstance(parse_order('{"orderId":"o","customerId":"c","total":1000000.01,"currency":"EUR"}'), list)
    assert isinstance(parse_order('{"orderId":"o","customerId":"c","total":true,"currency":"EUR"}'), list)


def test_throws_on_a_message_the_publisher_could_not_have_sent() -> None:
    with pytest.raises(ValueError, match="Not an order event"):
        order_from_message('{"orderId":"o-1"}')
