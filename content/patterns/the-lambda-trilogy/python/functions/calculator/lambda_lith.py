"""Entry point of the Lambda-lith: every request, whatever its path, lands here."""

from __future__ import annotations

import logging
from typing import Any

from .lith_app import create_app, request_from_proxy_event, to_proxy_response

logging.getLogger().setLevel(logging.INFO)

# Built once per execution environment; warm invocations reuse the same app.
app = create_app()


def handler(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
    return to_proxy_response(app.handle(request_from_proxy_event(event)))
