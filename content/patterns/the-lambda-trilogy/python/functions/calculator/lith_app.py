"""The whole API as one small web application with its own router.

Routing, 404s and error handling live here, not in API Gateway, which is what makes this a
Lambda-lith. A Flask app behind an adapter would do the same job; this router is a few dozen
lines with no dependency to bundle.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from .operations import OPERATIONS, answer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    # Repeated keys keep every value, as a list, so a handler can refuse them.
    query: dict[str, Union[str, list[str]]] = field(default_factory=dict)


@dataclass
class Response:
    status_code: int
    body: Any
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json; charset=utf-8"})


Route = Callable[[Request], Response]


def json_response(status_code: int, body: Any) -> Response:
    return Response(status_code, body)


class App:
    """Exact-match routes by method and path; anything else is a JSON 404."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Route] = {}

    def get(self, path: str) -> Callable[[Route], Route]:
        def register(view: Route) -> Route:
            self._routes[("GET", path)] = view
            return view

        return register

    def handle(self, request: Request) -> Response:
        view = self._routes.get((request.method.upper(), request.path))
        if view is None:
            return json_response(404, {"message": f"No route for {request.method} {request.path}."})
        try:
            return view(request)
        except Exception as error:  # noqa: BLE001 - any failure becomes a plain 500
            return handle_error(error, request)


def handle_error(error: Exception, request: Request) -> Response:
    """The cause goes to the logs, not the caller."""
    logger.error(json.dumps({"message": "request failed", "path": request.path, "error": str(error)}))
    return json_response(500, {"message": "Something went wrong."})


def create_app() -> App:
    app = App()
    for operation in OPERATIONS:

        def calculate_view(request: Request, operation: str = operation) -> Response:
            result = answer(operation, request.query)
            return json_response(result["statusCode"], result["body"])

        app.get(f"/{operation}")(calculate_view)
    return app


def request_from_proxy_event(event: dict[str, Any]) -> Request:
    """A REST API (payload 1.0) proxy event as a Request: the real path, every query value."""
    multi: Optional[dict[str, list[str]]] = event.get("multiValueQueryStringParameters")
    single: Optional[dict[str, str]] = event.get("queryStringParameters")
    query: dict[str, Union[str, list[str]]] = {}
    if multi:
        query = {key: values[0] if len(values) == 1 else list(values) for key, values in multi.items()}
    elif single:
        query = dict(single)
    return Request(method=event["httpMethod"], path=event.get("path") or "/", query=query)


def to_proxy_response(response: Response) -> dict[str, Any]:
    return {"statusCode": response.status_code, "headers": dict(response.headers), "body": json.dumps(response.body)}
