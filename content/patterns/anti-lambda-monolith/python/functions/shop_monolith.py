"""THE ANTI-PATTERN. One function behind ANY /{proxy+} that routes in code.

Every request, of every route, lands here, pays for loading every route's code, and runs with a role
that can do what any route needs. The route table below is the part API Gateway would do for free.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from responses import Event, Response, http, read_json
from shop import Reply, create_customer, delete_customer, get_customer, place_order

Tables = dict[str, str]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    run: Callable[[Any, Tables, list[str], Event], Reply]


# Grows by one entry, and the function's role by one grant, with every feature.
ROUTES: tuple[Route, ...] = (
    Route("POST", re.compile(r"^/customers$"), lambda c, t, _p, e: create_customer(c, t["customers"], read_json(e))),
    Route("GET", re.compile(r"^/customers/([^/]+)$"), lambda c, t, p, _e: get_customer(c, t["customers"], p[0])),
    Route("DELETE", re.compile(r"^/customers/([^/]+)$"), lambda c, t, p, _e: delete_customer(c, t["customers"], p[0])),
    Route("POST", re.compile(r"^/customers/([^/]+)/orders$"), lambda c, t, p, e: place_order(c, t, p[0], read_json(e))),
)


def route(method: str, path: str) -> tuple[Route, list[str]] | None:
    """The route of a request, and the path parameters it captured; None when none matches."""
    trimmed = path.rstrip("/") or "/"
    for candidate in ROUTES:
        match = candidate.pattern.match(trimmed) if candidate.method == method else None
        if match:
            return candidate, list(match.groups())
    return None


def create_monolith(client: Any, tables: Tables) -> Callable[[Event, Any], Response]:
    def operation(event: Event) -> Reply:
        found = route(event["requestContext"]["http"]["method"], event.get("rawPath", "/"))
        if found is None:
            return Reply(404, {"message": "No such route."})
        matched, params = found
        return matched.run(client, tables, params, event)

    return http(operation)


_handler: Callable[[Event, Any], Response] | None = None


def handler(event: Event, context: Any) -> Response:
    # Created once per execution environment, so warm invocations reuse the connection.
    global _handler
    if _handler is None:
        import boto3

        tables = {"customers": os.environ["CUSTOMERS_TABLE_NAME"], "orders": os.environ["ORDERS_TABLE_NAME"]}
        _handler = create_monolith(boto3.client("dynamodb"), tables)
    return _handler(event, context)
