"""The log line the Caller writes on every state transition.

The stack counts the lines that contain OPENED_PHRASE with a metric filter, so an alarm fires
whenever the circuit opens.
"""

from __future__ import annotations

import json
from typing import Optional

OPENED_PHRASE = "-> OPEN"


def state_change_line(from_state: str, to_state: str, circuit_id: Optional[str]) -> str:
    return json.dumps(
        {"level": "WARN", "message": f"circuit {from_state} -> {to_state}", "circuitId": circuit_id, "from": from_state, "to": to_state}
    )
