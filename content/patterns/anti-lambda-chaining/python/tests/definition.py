"""The state machine's definition as Step Functions reads it, with each CloudFormation reference shown as <LogicalId>."""

import json
from typing import Any

from aws_cdk.assertions import Template


def definition_of(template: Template) -> dict[str, Any]:
    machines = list(template.find_resources("AWS::StepFunctions::StateMachine").values())
    assert len(machines) == 1
    parts = machines[0]["Properties"]["DefinitionString"]["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else f"<{p.get('Ref') or p['Fn::GetAtt'][0]}>" for p in parts)
    return json.loads(text)


def reachable(definition: dict[str, Any], start: str) -> set[str]:
    """Every state reachable from start, following Next, Default, Choices and Catch."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if not name or name in seen:
            continue
        seen.add(name)
        state = definition["States"][name]
        todo += [state.get("Next"), state.get("Default"), *(c["Next"] for c in state.get("Choices", [])), *(c["Next"] for c in state.get("Catch", []))]
    return seen
