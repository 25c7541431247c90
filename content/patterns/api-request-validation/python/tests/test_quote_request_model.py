"""Real payloads against the very schema the stack puts in its template, with a draft-04 validator."""

from typing import Any

import pytest
from jsonschema import Draft4Validator

from functions.quote_handler import ROOMS
from tests.synth import quote_request_schema_from_template, synth

# A request API Gateway lets through, used as the base for every bad one below.
GOOD: dict[str, Any] = {"guestEmail": "ada@example.com", "roomType": "double", "checkIn": "2027-03-01", "checkOut": "2027-03-04", "guests": 2}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    _, template = synth()
    return quote_request_schema_from_template(template)


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Draft4Validator:
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def without(field: str) -> dict[str, Any]:
    return {key: value for key, value in GOOD.items() if key != field}


def test_is_a_draft_04_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"


def test_accepts_a_complete_request_with_or_without_notes(validator: Draft4Validator) -> None:
    for body in (GOOD, {**GOOD, "notes": "Late arrival, around 23:00."}, {**GOOD, "roomType": "suite", "guests": 4}):
        assert list(validator.iter_errors(body)) == []


def test_rejects_a_request_missing_any_required_field(validator: Draft4Validator) -> None:
    for field in ("guestEmail", "roomType", "checkIn", "checkOut", "guests"):
        errors = list(validator.iter_errors(without(field)))
        assert [(e.validator, e.message) for e in errors] == [("required", f"'{field}' is a required property")]


def test_rejects_wrong_types(validator: Draft4Validator) -> None:
    for body in ({**GOOD, "guests": "2"}, {**GOOD, "guests": 2.5}, [GOOD], "ada@example.com", None):
        assert not validator.is_valid(body), body


def test_rejects_values_out_of_range(validator: Draft4Validator) -> None:
    for body in ({**GOOD, "guests": 0}, {**GOOD, "guests": 5}, {**GOOD, "roomType": "penthouse"}):
        assert not validator.is_valid(body), body


def test_rejects_badly_written_dates_and_addresses(validator: Draft4Validator) -> None:
    for body in (
        {**GOOD, "checkIn": "01/03/2027"},
        {**GOOD, "checkOut": "2027-3-4"},
        {**GOOD, "guestEmail": "ada.example.com"},
        {**GOOD, "guestEmail": "ada@example"},
        {**GOOD, "guestEmail": "a" * 250 + "@example.com"},
    ):
        assert not validator.is_valid(body), body


def test_rejects_unknown_fields(validator: Draft4Validator) -> None:
    errors = list(validator.iter_errors({**GOOD, "guest": 3}))
    assert [e.validator for e in errors] == ["additionalProperties"]


def test_rejects_notes_longer_than_500_characters(validator: Draft4Validator) -> None:
    assert validator.is_valid({**GOOD, "notes": "x" * 500})
    assert not validator.is_valid({**GOOD, "notes": "x" * 501})


def test_lets_through_what_only_the_function_can_refuse(validator: Draft4Validator) -> None:
    # Each of these is valid draft-04 input; the handler tests prove the function turns them away.
    for body in (
        {**GOOD, "checkIn": "2027-02-30", "checkOut": "2027-03-02"},
        {**GOOD, "checkIn": "2027-03-04", "checkOut": "2027-03-01"},
        {**GOOD, "checkOut": "2027-04-30"},
        {**GOOD, "roomType": "single", "guests": 2},
    ):
        assert list(validator.iter_errors(body)) == [], body


def test_offers_exactly_the_room_types_the_function_prices(schema: dict[str, Any]) -> None:
    assert schema["properties"]["roomType"]["enum"] == list(ROOMS)
