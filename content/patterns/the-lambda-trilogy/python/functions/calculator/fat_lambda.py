"""One function behind every calculator route, dispatching in code."""

from __future__ import annotations

from typing import Any, Optional

from .operations import OPERATIONS, answer
from .proxy_result import to_proxy_result

# "GET /add" -> add: the routing table this one function owns.
ROUTES: dict[str, str] = {f"GET /{operation}": operation for operation in OPERATIONS}


def route(method: str, resource: str) -> Optional[str]:
    """Picks the operation from the API Gateway resource the request matched.

    The resource template (`/add`) is used rather than the raw path so stage names and
    custom-domain base paths never change the routing.
    """
    return ROUTES.get(f"{method.upper()} {resource}")


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    operation = route(event["httpMethod"], event["resource"])
    if operation is None:
        # Only reachable by invoking the function directly: API Gateway knows the same three routes.
        return to_proxy_result({"statusCode": 404, "body": {"message": f"No route for {event['httpMethod']} {event['resource']}."}})
    return to_proxy_result(answer(operation, event.get("queryStringParameters")))
