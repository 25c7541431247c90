"""The facts AntiPattern-SynchronousWaiting reads, asserted on the synthesized templates.

The rule pack is TypeScript; Python tests cannot import it. The rule flags a Lambda function whose
own role may both start a job and read its status (here athena:StartQueryExecution and
athena:GetQueryExecution). These tests prove the before stack has exactly that and the fix has no
such function.
"""

from __future__ import annotations

from typing import Any

from tests.template import grants_of, resources_of_type, templates

START, STATUS = "athena:StartQueryExecution", "athena:GetQueryExecution"


def _functions_that_can_poll(template: Any) -> list[str]:
    found = []
    for function_id, fn in resources_of_type(template, "AWS::Lambda::Function"):
        role = fn["Properties"]["Role"]
        if not isinstance(role, dict) or "Fn::GetAtt" not in role:
            continue
        actions = {a for a, _ in grants_of(template, role["Fn::GetAtt"][0])}
        if START in actions and STATUS in actions:
            found.append(function_id)
    return found


def test_before_stack_has_a_function_that_can_start_a_query_and_poll_it() -> None:
    found = _functions_that_can_poll(templates()[1])
    assert len(found) == 1 and found[0].startswith("ReportRunner")


def test_fix_has_no_function_that_can_start_a_query_and_poll_it() -> None:
    after = templates()[0]
    assert _functions_that_can_poll(after) == []
    # The pair lives on the workflow's role instead, which the rule does not judge.
    [(_, machine)] = resources_of_type(after, "AWS::StepFunctions::StateMachine")
    workflow_actions = {a for a, _ in grants_of(after, machine["Properties"]["RoleArn"]["Fn::GetAtt"][0])}
    assert {START, STATUS} <= workflow_actions
