"""Lambda entry point: wires the guestbook to PyMySQL and an RDS IAM token signer."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from connection import PROXY_PORT, ProxySession, proxy_connect_args, read_settings
from guestbook import SqlGuestbook, create_handler

_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def _build() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    import boto3
    import pymysql
    import pymysql.cursors

    settings = read_settings(os.environ)
    rds = boto3.client("rds")

    def sign_token() -> str:
        # Signed locally with the function's role: no network call, so the function needs
        # neither a NAT gateway nor a Secrets Manager endpoint.
        return rds.generate_db_auth_token(DBHostname=settings.host, Port=PROXY_PORT, DBUsername=settings.user)

    session = ProxySession(
        lambda: pymysql.connect(**proxy_connect_args(settings, sign_token), cursorclass=pymysql.cursors.DictCursor)
    )
    return create_handler(SqlGuestbook(session.run))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Built once per execution environment; the connection opens on the first query.
    global _handler
    if _handler is None:
        _handler = _build()
    return _handler(event, context)
