import base64
import json
import logging
from datetime import datetime
from typing import Any

import pytest

from guestbook import CREATE_TABLE, Entry, NewEntry, Parsed, SqlGuestbook, create_handler, parse_entry, parse_limit

INJECTION = "Robert'); DROP TABLE entries;--"


def request(route_key: str, body: Any = None, query: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "body": None if body is None else body if isinstance(body, str) else json.dumps(body),
        "isBase64Encoded": False,
        "queryStringParameters": query,
    }


class MemoryGuestbook:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(self, entry: NewEntry) -> Entry:
        saved = Entry(id=len(self.entries) + 1, name=entry.name, message=entry.message, createdAt="2026-11-22T10:00:00.000Z")
        self.entries.append(saved)
        return saved

    def latest(self, limit: int) -> list[Entry]:
        return list(reversed(self.entries))[:limit]


class RecordingRunner:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail_create = False

    def __call__(self, sql: str, params: Any) -> Any:
        self.calls.append((sql, tuple(params)))
        if sql == CREATE_TABLE and self.fail_create:
            raise ConnectionError("connection refused")
        if sql.startswith("INSERT"):
            return {"insert_id": 7}
        if sql.startswith("SELECT"):
            return [{"id": 7, "name": "Ada", "message": INJECTION, "created_at": datetime(2026, 11, 22, 10, 0, 0)}]
        return {}


def test_parse_entry_trims_and_accepts_a_name_and_message() -> None:
    assert parse_entry(json.dumps({"name": " Ada ", "message": " Hello "})) == Parsed(ok=True, value=NewEntry(name="Ada", message="Hello"))


def test_parse_entry_reads_base64_bodies() -> None:
    body = base64.b64encode(json.dumps({"name": "Ada", "message": "Hi"}).encode()).decode()
    assert parse_entry(body, True).ok is True


def test_parse_entry_rejects_missing_malformed_blank_and_oversized_input() -> None:
    for body in [
        None,
        "{not json",
        json.dumps({"name": "Ada"}),
        json.dumps({"name": "   ", "message": "Hi"}),
        json.dumps({"name": "x" * 41, "message": "Hi"}),
        json.dumps({"name": "Ada", "message": "x" * 281}),
        "null",
        "[1, 2]",
    ]:
        assert parse_entry(body).ok is False, body


def test_parse_limit_defaults_to_20_and_allows_1_to_50() -> None:
    assert parse_limit(None) == Parsed(ok=True, value=20)
    assert parse_limit("5") == Parsed(ok=True, value=5)
    for bad in ["0", "51", "2.5", "ten", "-3"]:
        assert parse_limit(bad).ok is False, bad


def test_creates_the_table_once_then_inserts_with_placeholders_and_reads_the_row_back() -> None:
    run = RecordingRunner()
    book = SqlGuestbook(run)
    entry = book.add(NewEntry(name="Ada", message=INJECTION))
    book.latest(3)

    assert [sql for sql, _ in run.calls].count(CREATE_TABLE) == 1
    insert = next(c for c in run.calls if c[0].startswith("INSERT"))
    assert insert == ("INSERT INTO entries (name, message) VALUES (%s, %s)", ("Ada", INJECTION))
    assert all("DROP" not in sql for sql, _ in run.calls), "user input must never reach the SQL text"
    assert run.calls[-1][1] == (3,)
    assert entry == Entry(id=7, name="Ada", message=INJECTION, createdAt="2026-11-22T10:00:00.000Z")


def test_retries_table_creation_after_a_failed_first_attempt() -> None:
    run = RecordingRunner()
    run.fail_create = True
    book = SqlGuestbook(run)
    with pytest.raises(ConnectionError, match="connection refused"):
        book.latest(1)
    run.fail_create = False
    book.latest(1)
    assert [sql for sql, _ in run.calls].count(CREATE_TABLE) == 2


def test_stores_a_valid_entry_and_answers_201() -> None:
    book = MemoryGuestbook()
    response = create_handler(book)(request("POST /entries", {"name": "Ada", "message": "Hello"}))
    assert response["statusCode"] == 201
    assert json.loads(response["body"])["entry"]["id"] == 1
    assert len(book.entries) == 1


def test_rejects_an_invalid_entry_with_400_and_stores_nothing() -> None:
    book = MemoryGuestbook()
    response = create_handler(book)(request("POST /entries", {"name": "Ada"}))
    assert response["statusCode"] == 400
    assert book.entries == []


def test_lists_the_newest_entries_first_honouring_the_limit() -> None:
    handler = create_handler(MemoryGuestbook())
    for name in ("A", "B", "C"):
        handler(request("POST /entries", {"name": name, "message": "hi"}))
    response = handler(request("GET /entries", query={"limit": "2"}))
    assert response["statusCode"] == 200
    assert [e["name"] for e in json.loads(response["body"])["entries"]] == ["C", "B"]
    assert handler(request("PUT /entries"))["statusCode"] == 404


def test_answers_503_without_leaking_the_cause_when_the_database_fails(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(MemoryGuestbook):
        def add(self, entry: NewEntry) -> Entry:
            raise TimeoutError("connect ETIMEDOUT secret-proxy.proxy-abc.eu-west-1.rds.amazonaws.com")

    with caplog.at_level(logging.ERROR):
        response = create_handler(Broken())(request("POST /entries", {"name": "Ada", "message": "Hi"}))
    assert response["statusCode"] == 503
    assert "rds.amazonaws.com" not in response["body"]
    assert any("rds.amazonaws.com" in getattr(r, "error", "") for r in caplog.records)
