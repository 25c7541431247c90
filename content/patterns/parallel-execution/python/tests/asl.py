"""Reads the state machine definition back from a template and runs orders through it."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_cdk.assertions import Template

from tests.jsonata_subset import MISSING, evaluate_field


def asl_of(template: Template) -> dict[str, Any]:
    """The Fn::Join'ed definition turned back into ASL, each token written as a readable placeholder such as <Stock1234ABCD>."""
    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine").values()))
    text = ""
    for part in machine["Properties"]["DefinitionString"]["Fn::Join"][1]:
        if isinstance(part, str):
            text += part
        elif "Fn::GetAtt" in part:
            text += f"<{part['Fn::GetAtt'][0]}.{part['Fn::GetAtt'][1]}>"
        elif "Ref" in part:
            text += f"<{part['Ref']}>"
        else:
            raise AssertionError(f"unexpected token {part}")
    return json.loads(text)


@dataclass
class World:
    """What the branches talk to: the real handlers, a stock table as sku -> available, and errors to inject."""

    functions: dict[str, Callable[[Any], Any]]
    stock: dict[str, int]
    # An error name a target keeps raising through every retry, as a throttled or broken dependency does.
    failing: dict[str, str] = field(default_factory=dict)


class StatesError(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


def simulate(asl: dict[str, Any], execution_input: Any, world: World) -> dict[str, Any]:
    """Runs an execution through the synthesized definition the way Step Functions would for the state types this
    workflow uses, with the real JSONata strings. Retries are not replayed: an injected error is one that outlasts them."""
    try:
        end_state, output = _run_states(asl, execution_input, world)
    except StatesError as e:
        return {"status": "FAILED", "error": e.error, "cause": e.cause}
    return {"status": "SUCCEEDED", "endState": end_state, "output": output}


def _value(result: Any) -> Any:
    return None if result is MISSING else result


def _run_states(machine: dict[str, Any], data: Any, world: World) -> tuple[str, Any]:
    name = machine["StartAt"]
    while True:
        state = machine["States"][name]

        def env(**extra: Any) -> dict[str, Any]:
            return {"states": {"input": data, **extra}}

        next_state = state.get("Next")
        end = bool(state.get("End"))
        kind = state["Type"]
        if kind == "Parallel":
            # Every branch gets its own copy of the input; the first failing branch, in branch order, fails the state.
            results = [_run_states(branch, copy.deepcopy(data), world)[1] for branch in state["Branches"]]
            output = results if "Output" not in state else evaluate_field(state["Output"], env(result=results))
        elif kind == "Task":
            try:
                result = _invoke(state, evaluate_field(state["Arguments"], env()), world)
            except StatesError as e:
                catcher = next(
                    (c for c in state.get("Catch", []) if e.error in c["ErrorEquals"] or "States.ALL" in c["ErrorEquals"]),
                    None,
                )
                if catcher is None:
                    raise
                output = evaluate_field(
                    catcher.get("Output", "{% $states.errorOutput %}"), env(errorOutput={"Error": e.error, "Cause": e.cause})
                )
                next_state, end = catcher["Next"], False
            else:
                output = result if "Output" not in state else evaluate_field(state["Output"], env(result=result))
        elif kind == "Pass":
            output = evaluate_field(state["Output"], env()) if "Output" in state else data
        elif kind == "Choice":
            rule = None
            for candidate in state["Choices"]:
                verdict = evaluate_field(candidate["Condition"], env())
                if not isinstance(verdict, bool):
                    raise AssertionError(f"condition {candidate['Condition']} gave {verdict!r}, not a boolean")
                if verdict:
                    rule = candidate
                    break
            next_state = rule["Next"] if rule else state.get("Default")
            if next_state is None:
                raise StatesError("States.NoChoiceMatched", name)
            output = evaluate_field(rule["Output"], env()) if rule and "Output" in rule else data
        elif kind == "Succeed":
            return name, _value(evaluate_field(state["Output"], env()) if "Output" in state else data)
        else:
            raise AssertionError(f"state type {kind} is outside this simulator")
        output = _value(output)
        if end or next_state is None:
            return name, output
        name, data = next_state, output


def _invoke(state: dict[str, Any], args: Any, world: World) -> Any:
    if re.search(r":states:::lambda:invoke$", state["Resource"]):
        match = re.fullmatch(r"<(FraudScorer|ShippingQuoter)[0-9A-F]{8}\.Arn>", args["FunctionName"])
        if not match:
            raise AssertionError(f"unknown function {args['FunctionName']}")
        target = match.group(1)
        if target in world.failing:
            raise StatesError(world.failing[target], f"{target} kept failing")
        try:
            # Through JSON, as Step Functions passes the payload.
            payload = world.functions[target](json.loads(json.dumps(args["Payload"])))
        except Exception as e:  # noqa: BLE001 - a function error reaches the workflow by its type name
            # The real Cause is Lambda's error JSON; it is reduced here to the message.
            raise StatesError(type(e).__name__, str(e)) from e
        return {"Payload": json.loads(json.dumps(payload))}
    if re.search(r":states:::dynamodb:getItem$", state["Resource"]):
        if not re.fullmatch(r"<Stock[0-9A-F]{8}>", args["TableName"]):
            raise AssertionError(f"unknown table {args['TableName']}")
        if "Stock" in world.failing:
            raise StatesError(world.failing["Stock"], "the Stock table kept failing")
        sku = args["Key"]["sku"]["S"]
        available = world.stock.get(sku)
        return {} if available is None else {"Item": {"sku": {"S": sku}, "available": {"N": str(available)}}}
    raise AssertionError(f"unknown resource {state['Resource']}")
