"""The rules AppConfig applies to an AWS.AppConfig.FeatureFlags document, checked at synth.

A bad flag file fails on the laptop or in CI instead of half-way through a CloudFormation update.
AppConfig checks the same document again when it stores each version; edits made in the console
never pass through here and are refused by that service-side check alone.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

KEY = re.compile(r"^[a-z][a-zA-Z\d_-]{0,63}$")
MAX_ATTRIBUTES = 25


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _scalar_problems(where: str, value: Any, c: dict[str, Any]) -> list[str]:
    kind = c.get("type")
    if kind == "number":
        if not _is_number(value):
            return [f"{where} must be a number"]
        if _is_number(c.get("minimum")) and value < c["minimum"]:
            return [f"{where} is {value}, below its minimum of {c['minimum']}"]
        if _is_number(c.get("maximum")) and value > c["maximum"]:
            return [f"{where} is {value}, above its maximum of {c['maximum']}"]
        return []
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where} must be a string"]
        if isinstance(c.get("pattern"), str) and not re.search(c["pattern"], value):
            return [f"{where} does not match {c['pattern']}"]
        if isinstance(c.get("enum"), list) and value not in c["enum"]:
            return [f"{where} is not one of {', '.join(map(str, c['enum']))}"]
        return []
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where} must be true or false"]
    return [f"{where} has an unknown constraint type {kind}"]


def _attribute_problems(where: str, value: Any, c: dict[str, Any]) -> list[str]:
    if value is None:
        return [f"{where} is required"] if c.get("required") is True else []
    if c.get("type") != "array":
        return _scalar_problems(where, value, c)
    if not isinstance(value, list):
        return [f"{where} must be an array"]
    elements = c.get("elements")
    return [p for i, e in enumerate(value) for p in _scalar_problems(f"{where}[{i}]", e, elements)] if isinstance(elements, dict) else []


def flag_document_problems(document: Any) -> list[str]:
    """Every way the document breaks AppConfig's feature flag rules or this pattern's own; empty when it is sound."""
    if not isinstance(document, dict):
        return ["the document must be a JSON object"]
    problems: list[str] = []
    if document.get("version") != "1":
        problems.append('version must be "1"')
    flags = document.get("flags") if isinstance(document.get("flags"), dict) else {}
    values = document.get("values") if isinstance(document.get("values"), dict) else {}
    for flag, definition in flags.items():
        if not KEY.match(flag):
            problems.append(f"flag key {flag} must match {KEY.pattern}")
        attributes = definition.get("attributes") if isinstance(definition, dict) and isinstance(definition.get("attributes"), dict) else {}
        if len(attributes) > MAX_ATTRIBUTES:
            problems.append(f"{flag} has more than {MAX_ATTRIBUTES} attributes")
        value = values.get(flag)
        # Stricter than AppConfig: a flag without a value would read as off without anyone deciding so.
        if not isinstance(value, dict) or not isinstance(value.get("enabled"), bool):
            problems.append(f"{flag} needs a value with enabled set to true or false")
            continue
        for name, attribute in attributes.items():
            if name == "enabled" or not KEY.match(name):
                problems.append(f"{flag}.{name} is not a valid attribute name")
            constraints = attribute.get("constraints") if isinstance(attribute, dict) else None
            if isinstance(constraints, dict):
                problems.extend(_attribute_problems(f"{flag}.{name}", value.get(name), constraints))
    problems.extend(f"{flag} has a value but no definition" for flag in values if flag not in flags)
    return problems


def load_flag_document(file: Path) -> str:
    """Reads the flag file and refuses to go on with a document AppConfig would refuse."""
    text = file.read_text(encoding="utf-8")
    problems = flag_document_problems(json.loads(text))
    if problems:
        raise ValueError(f"{file} breaks the feature flag rules:\n- " + "\n- ".join(problems))
    return text
