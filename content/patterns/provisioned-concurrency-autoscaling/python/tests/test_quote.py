import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from functions.quote import compile_rate_card, create_handler, describe_environment, price_parcel

SHIPPED = json.loads((Path(__file__).resolve().parent.parent / "functions" / "rate_card.json").read_text(encoding="utf-8"))
CARD = compile_rate_card(SHIPPED)
WARM = {"initType": "provisioned-concurrency", "initialisedAt": "2026-12-05T07:44:10.000Z"}


def request(query: dict[str, str] | None) -> dict[str, Any]:
    return {"rawPath": "/quote", "queryStringParameters": query, "requestContext": {"http": {"method": "GET"}}}


def test_compiles_the_shipped_rate_card_into_one_tariff_per_country() -> None:
    assert CARD.currency == "EUR"
    assert CARD.max_weight_kg == 31.5
    assert len(CARD.tariffs) == 19
    fr = CARD.tariffs["FR"]
    assert (fr.zone, fr.base_cents, fr.per_kg_cents) == ("eu", 890, 90)


def test_refuses_a_broken_rate_card_during_initialisation() -> None:
    twice = {
        "currency": "EUR",
        "maxWeightKg": 10,
        "zones": {"eu": {"baseCents": 1, "perKgCents": 1, "countries": ["FR"]}, "world": {"baseCents": 2, "perKgCents": 2, "countries": ["FR"]}},
    }
    with pytest.raises(ValueError, match="rate card: FR is in both eu and world"):
        compile_rate_card(twice)
    fractional = {"currency": "EUR", "maxWeightKg": 10, "zones": {"eu": {"baseCents": 8.9, "perKgCents": 90, "countries": ["FR"]}}}
    with pytest.raises(ValueError, match="rate card: zone eu needs whole, non-negative baseCents and perKgCents"):
        compile_rate_card(fractional)
    with pytest.raises(ValueError, match="rate card: currency"):
        compile_rate_card({"currency": "euro", "maxWeightKg": 10, "zones": {}})
    with pytest.raises(ValueError, match="rate card:"):
        compile_rate_card(None)


def test_prices_a_parcel_by_the_zone_of_its_destination_and_every_started_kilogram() -> None:
    assert price_parcel(CARD, "FR", "2.5") == {
        "destination": "FR",
        "zone": "eu",
        "weightKg": 2.5,
        "billableKg": 3,
        "price": {"amountCents": 890 + 90 * 3, "currency": "EUR"},
    }
    assert price_parcel(CARD, "DE", "2")["price"]["amountCents"] == 490 + 40 * 2
    assert price_parcel(CARD, "US", "31.5")["billableKg"] == 32


def test_reads_the_destination_without_regard_to_case_or_surrounding_spaces() -> None:
    assert price_parcel(CARD, " fr ", "1") == price_parcel(CARD, "FR", "1")


def test_turns_away_unknown_destinations_and_malformed_or_out_of_range_weights() -> None:
    assert price_parcel(CARD, "BR", "1") == {"problem": "We do not ship to BR."}
    for to in (None, "", "FRA", "F1"):
        assert "two-letter country code" in price_parcel(CARD, to, "1")["problem"]
    for weight in (None, "", "0", "-1", "31.6", "1e1", "0x10", "two", "2.5kg", "NaN"):
        assert "weightKg as a number above 0 and up to 31.5" in price_parcel(CARD, "FR", weight)["problem"], weight


def test_answers_a_quote_and_says_how_its_environment_was_initialised() -> None:
    response = create_handler(CARD, WARM)(request({"to": "FR", "weightKg": "2.5"}))
    assert response["statusCode"] == 200
    assert response["headers"]["x-init-type"] == "provisioned-concurrency"
    # The exact bytes both language versions send.
    assert response["body"] == (
        '{"destination":"FR","zone":"eu","weightKg":2.5,"billableKg":3,"price":{"amountCents":1160,"currency":"EUR"},'
        '"servedBy":{"initType":"provisioned-concurrency","initialisedAt":"2026-12-05T07:44:10.000Z","requestNumber":1}}'
    )
    assert json.loads(response["body"]) == {
        "destination": "FR",
        "zone": "eu",
        "weightKg": 2.5,
        "billableKg": 3,
        "price": {"amountCents": 1160, "currency": "EUR"},
        "servedBy": {"initType": "provisioned-concurrency", "initialisedAt": "2026-12-05T07:44:10.000Z", "requestNumber": 1},
    }


def test_counts_the_requests_one_environment_has_served() -> None:
    handler = create_handler(CARD, WARM)
    handler(request({"to": "DE", "weightKg": "1"}))
    handler(request({"to": "BR", "weightKg": "1"}))
    third = json.loads(handler(request({"to": "DE", "weightKg": "1"}))["body"])
    assert third["servedBy"]["requestNumber"] == 3


def test_answers_400_with_the_reason_and_no_price_for_a_request_it_cannot_price() -> None:
    response = create_handler(CARD, WARM)(request(None))
    assert response["statusCode"] == 400
    body = json.loads(response["body"])
    assert "two-letter country code" in body["message"]
    assert "price" not in body


def test_reads_the_initialisation_type_lambda_sets_and_says_unknown_outside_lambda() -> None:
    now = datetime(2026, 12, 5, 18, 59, 0, 123456, tzinfo=timezone.utc)
    assert describe_environment({"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}, now) == {
        "initType": "on-demand",
        "initialisedAt": "2026-12-05T18:59:00.123Z",
    }
    assert describe_environment({}, now)["initType"] == "unknown"
