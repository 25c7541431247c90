import base64
import json
from datetime import datetime, timezone

import pytest

from reading import InvalidReading, parse_reading


def encode(value: object) -> str:
    raw = value if isinstance(value, str) else json.dumps(value)
    return base64.b64encode(raw.encode()).decode()


def test_decodes_a_base64_json_reading_and_keeps_its_event_time() -> None:
    r = parse_reading(encode({"deviceId": "fridge-7", "temperature": 4.2, "readAt": "2026-12-05T10:00:03.250Z"}))
    expected_ms = int(datetime(2026, 12, 5, 10, 0, 3, tzinfo=timezone.utc).timestamp()) * 1000 + 250
    assert (r.device_id, r.temperature, r.read_at, r.read_at_ms) == ("fridge-7", 4.2, "2026-12-05T10:00:03.250Z", expected_ms)


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        [1, 2],
        {"temperature": 4, "readAt": "2026-12-05T10:00:00Z"},
        {"deviceId": "a b", "temperature": 4, "readAt": "2026-12-05T10:00:00Z"},
        {"deviceId": "fridge-7", "temperature": "4", "readAt": "2026-12-05T10:00:00Z"},
        {"deviceId": "fridge-7", "temperature": True, "readAt": "2026-12-05T10:00:00Z"},
        {"deviceId": "fridge-7", "temperature": 400, "readAt": "2026-12-05T10:00:00Z"},
        {"deviceId": "fridge-7", "temperature": 4, "readAt": "2026-12-05 10:00:00"},
        {"deviceId": "fridge-7", "temperature": 4, "readAt": "2026-12-05T10:00:00+01:00"},
        {"deviceId": "fridge-7", "temperature": 4, "readAt": "2026-02-30T10:00:00Z"},
    ],
)
def test_refuses_data_that_is_not_a_well_formed_reading(value: object) -> None:
    with pytest.raises(InvalidReading):
        parse_reading(encode(value))
