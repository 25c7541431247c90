"""The workflow's first step: pure logic, no AWS calls, so its role may only log and trace."""

from __future__ import annotations

from typing import Any

from orders import price_order


def handler(event: Any, _context: Any = None) -> dict[str, Any]:
    return price_order(event)
