"""A small evaluator for the Pipes input-template placeholders this pipe uses: `<$.a.b>` in JSON
value position, replaced by the JSON value found at that path. Any other placeholder (reserved
variables, wildcards, array indexes) raises, as does a path with no value."""

import json
import re
from typing import Any

PATH_PLACEHOLDER = re.compile(r"<\$((?:\.[A-Za-z0-9_-]+)+)>")


def _value_at(payload: Any, path: str) -> Any:
    current = payload
    for key in path[1:].split("."):
        if not isinstance(current, dict) or key not in current:
            raise KeyError(f"the payload has no value at ${path}")
        current = current[key]
    return current


def template_paths(template: str) -> list[str]:
    """The JSON paths a template reads, in order of appearance."""
    return [f"${m.group(1)}" for m in PATH_PLACEHOLDER.finditer(template)]


def apply_input_template(template: str, payload: Any) -> Any:
    """Renders the template against one payload and parses the result, as the bus will receive it."""
    leftover = re.search(r"<[^<>]*>", PATH_PLACEHOLDER.sub("", template))
    if leftover:
        raise ValueError(f"unsupported placeholder {leftover.group(0)}")
    rendered = PATH_PLACEHOLDER.sub(lambda m: json.dumps(_value_at(payload, m.group(1))), template)
    return json.loads(rendered)
