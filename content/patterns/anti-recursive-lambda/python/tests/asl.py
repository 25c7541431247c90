"""The state machine definition of a template, with every intrinsic replaced by a readable placeholder."""

import json
from typing import Any


def definition_of(state_machine: dict[str, Any]) -> dict[str, Any]:
    def text(part: Any) -> str:
        if isinstance(part, str):
            return part
        if "Fn::GetAtt" in part:
            return "<" + ".".join(part["Fn::GetAtt"]) + ">"
        if "Ref" in part:
            return f"<{part['Ref']}>"
        if "Fn::Join" in part:
            sep, parts = part["Fn::Join"]
            return sep.join(text(p) for p in parts)
        return "<?>"

    return json.loads(text(state_machine["Properties"]["DefinitionString"]))
