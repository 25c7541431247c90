"""One temperature reading as devices put it on the stream (JSON, UTF-8), and its validation."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone

DEVICE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# UTC only, so both languages parse it to the same instant and the same minute.
READ_AT_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$")
# Plausible sensor range; anything outside is a broken sensor or a broken producer.
TEMPERATURE_MIN = -90
TEMPERATURE_MAX = 150


class InvalidReading(ValueError):
    """A record that can never be processed, however often it is retried."""


@dataclass(frozen=True)
class Reading:
    device_id: str
    temperature: float  # degrees Celsius
    read_at: str  # the event time: when the device took the reading
    read_at_ms: int


def parse_reading(base64_data: str) -> Reading:
    """Decodes a record's base64 data and checks every field; raises InvalidReading otherwise."""
    try:
        body = json.loads(base64.b64decode(base64_data).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidReading("data is not JSON") from error
    if not isinstance(body, dict):
        raise InvalidReading("data is not a JSON object")
    device_id = body.get("deviceId")
    temperature = body.get("temperature")
    read_at = body.get("readAt")
    if not isinstance(device_id, str) or not DEVICE_ID_PATTERN.match(device_id):
        raise InvalidReading("deviceId is missing or malformed")
    # bool is an int in Python; JSON true is not a temperature.
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not math.isfinite(temperature):
        raise InvalidReading("temperature is not a number")
    if temperature < TEMPERATURE_MIN or temperature > TEMPERATURE_MAX:
        raise InvalidReading(f"temperature {temperature} is out of range")
    if not isinstance(read_at, str) or not READ_AT_PATTERN.match(read_at):
        raise InvalidReading("readAt is not a UTC ISO 8601 timestamp")
    try:
        instant = datetime.strptime(read_at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError as error:
        raise InvalidReading("readAt is not a real date") from error
    millis = int(read_at[20:-1].ljust(3, "0")) if "." in read_at else 0
    return Reading(device_id, temperature, read_at, int(instant.timestamp()) * 1000 + millis)
