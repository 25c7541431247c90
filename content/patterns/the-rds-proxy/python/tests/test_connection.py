import ssl
from typing import Any

import pytest

from connection import PROXY_PORT, ProxySession, ProxySettings, proxy_connect_args, read_settings

SETTINGS = ProxySettings(host="p", user="admin", database="guestbook")


def test_requires_the_endpoint_user_and_database_name() -> None:
    with pytest.raises(ValueError):
        read_settings({"PROXY_ENDPOINT": "p", "DB_USER": "admin"})
    assert read_settings({"PROXY_ENDPOINT": "p", "DB_USER": "admin", "DB_NAME": "guestbook"}) == SETTINGS


def test_verifies_tls_and_answers_the_cleartext_request_with_a_freshly_signed_token() -> None:
    signed = 0

    def sign_token() -> str:
        nonlocal signed
        signed += 1
        return f"token-{signed}"

    first = proxy_connect_args(SETTINGS, sign_token)
    assert (first["host"], first["port"], first["user"], first["database"]) == ("p", PROXY_PORT, "admin", "guestbook")
    # The only password is the IAM token, which PyMySQL sends as the cleartext plugin's answer.
    assert first["password"] == "token-1"
    assert proxy_connect_args(SETTINGS, sign_token)["password"] == "token-2"
    tls = first["ssl"]
    assert isinstance(tls, ssl.SSLContext)
    assert tls.verify_mode == ssl.CERT_REQUIRED
    assert tls.check_hostname is True
    assert tls.minimum_version == ssl.TLSVersion.TLSv1_2
    assert first["autocommit"] is True
    assert first["init_command"] == "SET time_zone = '+00:00'"


class FakeCursor:
    def __init__(self, connection: "FakeConnection") -> None:
        self._connection = connection
        self.description: Any = None
        self.lastrowid = 0

    def __enter__(self) -> "FakeCursor":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute(self, query: str, args: Any = None) -> int:
        if self._connection.fail_next:
            self._connection.fail_next = False
            self._connection.open = False
            raise ConnectionError("Lost connection to MySQL server during query")
        self._connection.queries.append((query, args))
        if query.startswith("SELECT"):
            self.description = (("id",),)
        else:
            self.lastrowid = 41
        return 1

    def fetchall(self) -> list[dict[str, Any]]:
        return [{"id": 1}]


class FakeConnection:
    def __init__(self, token: str) -> None:
        self.token = token
        self.open = True
        self.fail_next = False
        self.queries: list[tuple[str, Any]] = []

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    def close(self) -> None:
        self.open = False


def test_keeps_one_connection_and_opens_a_new_one_with_a_fresh_token_after_it_breaks() -> None:
    tokens = iter(["token-1", "token-2", "token-3"])
    opened: list[FakeConnection] = []

    def connect() -> FakeConnection:
        opened.append(FakeConnection(next(tokens)))
        return opened[-1]

    session = ProxySession(connect)
    assert opened == [], "nothing connects before the first query"
    assert session.run("INSERT INTO entries (name, message) VALUES (%s, %s)", ("Ada", "Hi")) == {"insert_id": 41}
    assert session.run("SELECT id FROM entries", ()) == [{"id": 1}]
    assert [c.token for c in opened] == ["token-1"]

    opened[0].fail_next = True
    with pytest.raises(ConnectionError):
        session.run("SELECT id FROM entries", ())
    assert session.run("SELECT id FROM entries", ()) == [{"id": 1}]
    assert [c.token for c in opened] == ["token-1", "token-2"]
    assert opened[0].open is False
