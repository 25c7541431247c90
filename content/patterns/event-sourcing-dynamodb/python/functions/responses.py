"""Small helpers both API handlers share."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# Account ids become partition keys: keep them short and printable.
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def json_response(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def log_error(message: str, **fields: Any) -> None:
    logger.error(json.dumps({"message": message, **fields}))
