"""Turns a domain answer into what a REST API Lambda proxy integration expects back."""

from __future__ import annotations

import json
from typing import Any

from .operations import Answer


def to_proxy_result(result: Answer) -> dict[str, Any]:
    return {"statusCode": result["statusCode"], "headers": {"content-type": "application/json"}, "body": json.dumps(result["body"])}
