"""The protected backend.

It does no token work of its own: by the time it runs, the authorizer has verified the token,
and API Gateway passes the verified claims in requestContext.authorizer.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Mapping

logger = logging.getLogger(__name__)


def _json(status_code: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status_code,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(body, separators=(",", ":")),
    }


def handler(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    claims = (event.get("requestContext") or {}).get("authorizer") or {}
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        # Only reachable if the method lost its authorizer: a deployment mistake, so fail loudly.
        logger.error("no authorizer context on the request; is the method still protected?")
        return _json(500, {"message": "Internal server error"})
    scope = claims.get("scope") if isinstance(claims.get("scope"), str) else ""
    return _json(
        200,
        {
            "subject": subject,
            "scopes": [s for s in scope.split(" ") if s],
            "message": f"Hello {subject}, your token was verified before this function ran.",
        },
    )
