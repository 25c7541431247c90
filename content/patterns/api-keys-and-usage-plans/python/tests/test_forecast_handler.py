import json
import logging
from datetime import datetime, timezone
from typing import Any

import pytest

from functions.forecast_handler import MAX_HISTORY_DAYS, create_handler, forecast_for

NOW = datetime(2027, 5, 10, 8, 0, tzinfo=timezone.utc)
handler = create_handler(lambda: NOW)
KEY_VALUE = "k3yV4lu3ThatMustNeverBeLogged0123456789"


def get(resource: str, city: str, query: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "httpMethod": "GET",
        "resource": resource,
        "pathParameters": {"city": city},
        "queryStringParameters": query,
        "requestContext": {"identity": {"apiKeyId": "abc123keyid", "apiKey": KEY_VALUE}},
    }


def call(event: dict[str, Any]) -> tuple[int, Any, str]:
    response = handler(event, None)
    return response["statusCode"], json.loads(response["body"]), response["body"]


def test_returns_the_same_forecast_for_the_same_city_and_day() -> None:
    status, body, _ = call(get("/forecasts/{city}", "Lisbon"))
    assert status == 200
    assert body == {"city": "lisbon", **forecast_for("lisbon", NOW)}
    assert body["date"] == "2027-05-10"
    assert body["lowC"] < body["highC"]


def test_serves_up_to_30_days_of_history_and_refuses_more() -> None:
    status, body, _ = call(get("/forecasts/{city}/history", "lisbon", {"days": str(MAX_HISTORY_DAYS)}))
    assert status == 200
    assert len(body["days"]) == 30
    assert body["days"][0]["date"] == "2027-05-09"
    assert len(call(get("/forecasts/{city}/history", "lisbon"))[1]["days"]) == 7
    for days in ("31", "0", "ten", "7\n"):
        assert call(get("/forecasts/{city}/history", "lisbon", {"days": days}))[0] == 400, days


def test_refuses_a_malformed_city() -> None:
    for city in ("x", "new york", "../etc", "a" * 41, "lisbon\n"):
        assert call(get("/forecasts/{city}", city))[0] == 400, city


def test_logs_the_caller_key_id_and_never_the_key_value(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        _, _, text = call(get("/forecasts/{city}", "lisbon"))
    assert len(caplog.records) == 1
    assert json.loads(caplog.records[0].getMessage())["apiKeyId"] == "abc123keyid"
    assert KEY_VALUE not in caplog.text
    assert KEY_VALUE not in text


def test_answers_404_for_a_route_it_does_not_serve() -> None:
    assert call(get("/forecasts/{city}/radar", "lisbon"))[0] == 404
