import json
import logging
from datetime import date
from typing import Any

import pytest

from functions.quote_handler import MAX_NIGHTS, business_rule_problems, calendar_day, create_handler, looks_like_quote_request

TODAY = date(2027, 2, 15)
handler = create_handler(lambda: TODAY)
GOOD: dict[str, Any] = {"guestEmail": "ada@example.com", "roomType": "double", "checkIn": "2027-03-01", "checkOut": "2027-03-04", "guests": 2}


def post(body: Any) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {"httpMethod": "POST", "resource": "/quotes", "body": text, "queryStringParameters": None}


def get_rates(query: dict[str, str]) -> dict[str, Any]:
    return {"httpMethod": "GET", "resource": "/rates", "body": None, "queryStringParameters": query}


def call(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = handler(event, None)
    return response["statusCode"], json.loads(response["body"])


def test_prices_a_valid_stay_by_the_night() -> None:
    assert call(post(GOOD)) == (
        200,
        {"roomType": "double", "checkIn": "2027-03-01", "checkOut": "2027-03-04", "nights": 3, "guests": 2, "nightlyRate": 130, "total": 390, "currency": "USD"},
    )


def test_refuses_with_422_a_date_the_pattern_lets_through_but_the_calendar_does_not_have() -> None:
    assert calendar_day("2027-02-30") is None
    assert calendar_day("2028-02-29") == date(2028, 2, 29)
    status, body = call(post({**GOOD, "checkIn": "2027-02-30"}))
    assert status == 422
    assert body["problems"] == ["checkIn 2027-02-30 is not a calendar date."]


def test_refuses_with_422_a_check_out_that_is_not_after_check_in() -> None:
    for check_out in ("2027-03-01", "2027-02-27"):
        status, body = call(post({**GOOD, "checkOut": check_out}))
        assert status == 422
        assert body["problems"] == ["checkOut must be at least one day after checkIn."]


def test_refuses_with_422_a_stay_longer_than_14_nights() -> None:
    assert call(post({**GOOD, "checkOut": "2027-03-15"}))[0] == 200
    status, body = call(post({**GOOD, "checkOut": "2027-03-16"}))
    assert status == 422
    assert body["problems"] == [f"A stay may last at most {MAX_NIGHTS} nights; this one lasts 15."]


def test_refuses_with_422_a_check_in_before_today() -> None:
    assert call(post({**GOOD, "checkIn": "2027-02-15", "checkOut": "2027-02-16"}))[0] == 200
    status, body = call(post({**GOOD, "checkIn": "2027-02-14", "checkOut": "2027-02-16"}))
    assert status == 422
    assert body["problems"] == ["checkIn is in the past."]


def test_refuses_with_422_more_guests_than_the_room_sleeps() -> None:
    status, body = call(post({**GOOD, "roomType": "single", "guests": 2}))
    assert status == 422
    assert body["problems"] == ["A single room sleeps at most 1 guest."]


def test_reports_every_broken_rule_and_logs_them_without_the_guest_address(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        status, body = call(post({**GOOD, "guests": 3, "checkIn": "2027-01-01", "checkOut": "2027-01-01"}))
    assert status == 422
    assert len(body["problems"]) == 3
    assert len(caplog.records) == 1
    assert "ada@example.com" not in caplog.text


def test_turns_away_with_400_a_body_that_reached_it_without_the_gateway_check() -> None:
    for body in ('{"guestEmail":', "[]", json.dumps({**GOOD, "guests": "2"}), json.dumps({**GOOD, "guests": True}), json.dumps({**GOOD, "roomType": "__class__"})):
        assert call(post(body))[0] == 400, body
    assert looks_like_quote_request(GOOD)
    assert not looks_like_quote_request({**GOOD, "notes": 7})


def test_prices_a_room_for_a_number_of_nights() -> None:
    assert call(get_rates({"roomType": "suite", "nights": "2"})) == (
        200,
        {"roomType": "suite", "nights": 2, "nightlyRate": 240, "total": 480, "currency": "USD"},
    )


def test_checks_the_types_and_ranges_api_gateway_does_not_check_on_query_strings() -> None:
    for query in (
        {"roomType": "penthouse", "nights": "2"},
        {"roomType": "suite", "nights": "two"},
        {"roomType": "suite", "nights": "0"},
        {"roomType": "suite", "nights": "15"},
        {"roomType": "suite", "nights": "1.5"},
    ):
        status, body = call(get_rates(query))
        assert status == 400, query
        assert len(body["problems"]) == 1


def test_answers_404_for_a_route_it_does_not_serve() -> None:
    assert call({"httpMethod": "DELETE", "resource": "/quotes"})[0] == 404


def test_judges_check_in_against_the_date_it_is_given_not_the_machine_clock() -> None:
    assert business_rule_problems(GOOD, TODAY) == []
    assert business_rule_problems(GOOD, date(2027, 3, 2)) == ["checkIn is in the past."]
