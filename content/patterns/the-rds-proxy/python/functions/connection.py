"""How the guestbook reaches MySQL: through RDS Proxy, over verified TLS, signed in with an IAM token."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# RDS Proxy for MySQL always listens on 3306, whatever port the database uses.
PROXY_PORT = 3306


@dataclass(frozen=True)
class ProxySettings:
    host: str
    user: str
    database: str


def read_settings(env: Mapping[str, str]) -> ProxySettings:
    host, user, database = env.get("PROXY_ENDPOINT"), env.get("DB_USER"), env.get("DB_NAME")
    if not host or not user or not database:
        raise ValueError("PROXY_ENDPOINT, DB_USER and DB_NAME must all be set")
    return ProxySettings(host=host, user=user, database=database)


def verified_tls() -> ssl.SSLContext:
    """The system trust store, the host name checked, nothing older than TLS 1.2.

    PyMySQL given an ssl dict without a CA file would encrypt without verifying the server,
    so it gets a ready context instead.
    """
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def proxy_connect_args(settings: ProxySettings, sign_token: Callable[[], str]) -> dict[str, Any]:
    """Arguments for pymysql.connect, for one new connection.

    The proxy asks for the IAM token through the mysql_clear_password plugin, which is why TLS is
    mandatory. A token is valid for 15 minutes, so every new connection gets a freshly signed one.
    """
    return {
        "host": settings.host,
        "port": PROXY_PORT,
        "user": settings.user,
        "password": sign_token(),
        "database": settings.database,
        "ssl": verified_tls(),
        "connect_timeout": 5,
        # MySQL's own default; PyMySQL would otherwise hold every INSERT in an open transaction.
        "autocommit": True,
        # TIMESTAMP columns come back in UTC, whatever the server's zone.
        "init_command": "SET time_zone = '+00:00'",
        "charset": "utf8mb4",
    }


class Cursor(Protocol):
    description: Any
    lastrowid: int

    def __enter__(self) -> Cursor: ...

    def __exit__(self, *exc: object) -> Any: ...

    def execute(self, query: str, args: Any = None) -> int: ...

    def fetchall(self) -> Sequence[Any]: ...


class Connection(Protocol):
    open: bool

    def cursor(self) -> Cursor: ...

    def close(self) -> None: ...


class ProxySession:
    """One connection per execution environment: the proxy, not the function, does the pooling.

    The connection is opened on the first query and reopened, with a new token, whenever the
    previous one has closed or failed. PyMySQL's own ping(reconnect=True) would reuse the first,
    by then expired, token.
    """

    def __init__(self, connect: Callable[[], Connection]) -> None:
        self._connect = connect
        self._connection: Connection | None = None

    def run(self, sql: str, params: Sequence[str | int] | None = None) -> Any:
        if self._connection is None or not self._connection.open:
            self._connection = self._connect()
        try:
            # execute() fills the placeholders on the client, like mysql2's query(); server-side
            # prepared statements would pin the session to one database connection inside the proxy.
            with self._connection.cursor() as cursor:
                cursor.execute(sql, params)
                if cursor.description is None:
                    return {"insert_id": cursor.lastrowid}
                return list(cursor.fetchall())
        except Exception:
            # Whatever broke, do not reuse this connection: the next request opens a fresh one.
            self._drop()
            raise

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - it is being thrown away anyway
                pass
