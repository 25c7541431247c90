"""The state machine definition as the template deploys it, parsed so tests can assert on it."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template


def definition_of(template: Template) -> dict[str, Any]:
    """CloudFormation references inside the Fn::Join become readable placeholders (<Ref:Id>, <Id.Arn>)."""
    machines = list(template.find_resources("AWS::StepFunctions::StateMachine").values())
    assert len(machines) == 1, f"expected one state machine, found {len(machines)}"
    body = machines[0]["Properties"]["DefinitionString"]
    parts = [body] if isinstance(body, str) else body["Fn::Join"][1]

    def text(part: Any) -> str:
        if isinstance(part, str):
            return part
        if "Ref" in part:
            return f"<Ref:{part['Ref']}>"
        if "Fn::GetAtt" in part:
            return f"<{'.'.join(part['Fn::GetAtt'])}>"
        raise AssertionError(f"unexpected part {part}")

    return json.loads("".join(text(p) for p in parts))
