"""A handler that can only ever do one thing.

API Gateway has already picked the route, so there is nothing to dispatch on: the operation
is fixed when the handler is built.
"""

from __future__ import annotations

from typing import Any, Callable

from .operations import answer
from .proxy_result import to_proxy_result

ProxyHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def single_purpose_handler(operation: str) -> ProxyHandler:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        return to_proxy_result(answer(operation, event.get("queryStringParameters")))

    return handle
