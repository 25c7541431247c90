"""Just enough of the Amazon States Language to test this pattern offline: the definition as
CloudFormation will hand it to Step Functions, and the Choice rules this workflow uses."""

from __future__ import annotations

import json
import re
from typing import Any

from aws_cdk.assertions import Template

_MISSING = object()


def definition_of(template: Template) -> dict[str, Any]:
    """Parses the state machine's DefinitionString, writing each CloudFormation token as <Ref:X> or <X.Arn>."""
    machines = list(template.find_resources("AWS::StepFunctions::StateMachine").values())
    assert len(machines) == 1, f"expected one state machine, found {len(machines)}"
    body = machines[0]["Properties"]["DefinitionString"]
    if isinstance(body, str):
        return json.loads(body)
    parts: list[str] = []
    for part in body["Fn::Join"][1]:
        if isinstance(part, str):
            parts.append(part)
        elif "Ref" in part:
            parts.append(f"<Ref:{part['Ref']}>")
        elif "Fn::GetAtt" in part:
            parts.append(f"<{'.'.join(part['Fn::GetAtt'])}>")
        else:
            raise ValueError(f"unexpected token {part}")
    return json.loads("".join(parts))


def select(value: Any, path: str) -> Any:
    """The value a reference path ($.a.b[0]) selects, or _MISSING when any step is missing."""
    if not path.startswith("$"):
        raise ValueError(f"not a reference path: {path}")
    for name, index in re.findall(r"\.([A-Za-z_]\w*)|\[(\d+)\]", path[1:]):
        if name:
            value = value.get(name, _MISSING) if isinstance(value, dict) else _MISSING
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def _wildcard(pattern: str) -> re.Pattern[str]:
    """StringMatches: `*` matches any run of characters, `\\*` a literal star."""
    parts = re.split(r"(\\\*|\*)", pattern)
    return re.compile("".join(".*" if p == "*" else r"\*" if p == "\\*" else re.escape(p) for p in parts), re.S)


def matches(rule: dict[str, Any], value: Any) -> bool:
    """Whether one Choice rule matches.

    Like Step Functions, comparing a field that is missing or of another type is an error
    (States.Runtime), not a quiet false: a rule order that relies on it fails here.
    """
    if "And" in rule:
        return all(matches(r, value) for r in rule["And"])
    if "Or" in rule:
        return any(matches(r, value) for r in rule["Or"])
    if "Not" in rule:
        return not matches(rule["Not"], value)
    selected = select(value, rule["Variable"])
    if "IsPresent" in rule:
        return (selected is not _MISSING) == rule["IsPresent"]
    if selected is _MISSING:
        raise RuntimeError(f"States.Runtime: {rule['Variable']} is not present")
    if "IsString" in rule:
        return isinstance(selected, str) == rule["IsString"]
    if "StringMatches" in rule:
        if not isinstance(selected, str):
            raise RuntimeError(f"States.Runtime: {rule['Variable']} is not a string")
        return _wildcard(rule["StringMatches"]).fullmatch(selected) is not None
    raise NotImplementedError(f"operator not modelled here: {rule}")


def choose(state: dict[str, Any], value: Any) -> str:
    """The state a Choice state moves to for this input."""
    assert state["Type"] == "Choice", f"not a Choice state: {state['Type']}"
    for rule in state["Choices"]:
        if matches(rule, value):
            return rule["Next"]
    if "Default" not in state:
        raise RuntimeError("States.NoChoiceMatched")
    return state["Default"]
