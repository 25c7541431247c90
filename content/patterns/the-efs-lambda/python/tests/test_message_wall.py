import base64
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from message_store import FileMessageStore
from message_wall import Parsed, create_handler, parse_limit, parse_text


def request(route_key: str, body: Any = None, query: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
        "queryStringParameters": query,
    }


def body_of(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def test_parse_text_accepts_and_trims_a_text_field_also_from_base64() -> None:
    assert parse_text('{"text":"  hi  "}') == Parsed(ok=True, value="hi")
    assert parse_text(base64.b64encode(b'{"text":"hi"}').decode(), True) == Parsed(ok=True, value="hi")


def test_parse_text_rejects_missing_malformed_blank_and_oversized_text() -> None:
    for body in [None, "{oops", "{}", '{"text":5}', '{"text":"   "}', json.dumps({"text": "x" * 501}), "null", "[]"]:
        assert parse_text(body).ok is False, body
    assert parse_text("not base64!", True).ok is False


def test_parse_limit_defaults_to_20_and_allows_1_to_100() -> None:
    assert parse_limit(None) == Parsed(ok=True, value=20)
    assert parse_limit("100") == Parsed(ok=True, value=100)
    for bad in ["0", "101", "1.5", "all", "-1"]:
        assert parse_limit(bad).ok is False, bad


def test_appends_lists_newest_first_and_clears(tmp_path: Path) -> None:
    handler = create_handler(FileMessageStore(tmp_path))
    first = handler(request("POST /messages", {"text": "first"}))
    assert first["statusCode"] == 201
    assert body_of(first)["message"]["text"] == "first"
    # Ids sort by millisecond; make sure the second message lands in a later one.
    time.sleep(0.002)
    handler(request("POST /messages", {"text": "second"}))

    listed = body_of(handler(request("GET /messages")))
    assert listed["total"] == 2
    assert [m["text"] for m in listed["messages"]] == ["second", "first"]
    newest = body_of(handler(request("GET /messages", query={"limit": "1"})))
    assert [m["text"] for m in newest["messages"]] == ["second"]
    assert handler(request("GET /messages", query={"limit": "0"}))["statusCode"] == 400

    assert body_of(handler(request("DELETE /messages"))) == {"deleted": 2}
    assert body_of(handler(request("GET /messages")))["total"] == 0


def test_answers_400_for_bad_input_without_writing_anything(tmp_path: Path) -> None:
    store = FileMessageStore(tmp_path)
    response = create_handler(store)(request("POST /messages", {"text": ""}))
    assert response["statusCode"] == 400
    assert store.list(10).total == 0


def test_answers_500_without_exposing_paths_when_the_file_system_fails(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        response = create_handler(FileMessageStore(tmp_path / "not-mounted"))(request("GET /messages"))
    assert response["statusCode"] == 500
    assert "not-mounted" not in response["body"]
    assert "No such file" not in response["body"]
    # The cause still reaches the function's log, for operators.
    assert any("not-mounted" in getattr(r, "error", "") for r in caplog.records)


def test_answers_404_for_a_route_it_does_not_know(tmp_path: Path) -> None:
    assert create_handler(FileMessageStore(tmp_path))(request("PUT /messages"))["statusCode"] == 404
