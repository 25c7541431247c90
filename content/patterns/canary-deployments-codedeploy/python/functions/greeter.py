"""Answers GET with a greeting and the version of the function that served it."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

# Change this word and run `cdk deploy`: the new code becomes a new version, and CodeDeploy shifts callers to it.
GREETING = "Hello"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def create_handler(version: str) -> Handler:
    """The greeting names the version that served it, so a caller can see the traffic shift."""

    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        if event.get("requestContext", {}).get("http", {}).get("method") != "GET":
            return _json(405, {"message": "Only GET is answered."}, {"allow": "GET"})
        return _json(200, {"message": f"{GREETING} from version {version}.", "version": version})

    return handle


# Lambda sets the published version number ("7") in every execution environment of that version.
handler = create_handler(os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"))
