import json
import math
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from parallel_execution.order_check_definition import JOIN, REJECT_SCORE, REVIEW_SCORE, TRANSIENT_DYNAMODB_ERRORS, UNAVAILABLE_LAMBDA_ERRORS
from parallel_execution.parallel_execution_stack import DEGRADED_STATES, ParallelExecutionStack
from tests.asl import asl_of
from tests.cdk_app import app_from_cdk_json

BRANCH_TASKS = ("Score fraud", "Check stock", "Quote shipping")


@pytest.fixture(scope="module")
def stack() -> ParallelExecutionStack:
    return ParallelExecutionStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ParallelExecutionStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def asl(template: Template) -> dict[str, Any]:
    return asl_of(template)


@pytest.fixture(scope="module")
def parallel(asl: dict[str, Any]) -> dict[str, Any]:
    return asl["States"]["Check order"]


def branch_state(parallel: dict[str, Any], name: str) -> dict[str, Any]:
    return next(b["States"][name] for b in parallel["Branches"] if name in b["States"])


def statements_of_role(template: Template, role_prefix: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in template.find_resources("AWS::IAM::Policy").values()
        if any(r["Ref"].startswith(role_prefix) for r in policy["Properties"]["Roles"])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def worst_case_seconds(task: dict[str, Any]) -> float:
    """The longest a task can take with every attempt timing out and every retry waiting its full, unjittered delay."""
    retry = task["Retry"][0]
    total = task["TimeoutSeconds"] * (retry["MaxAttempts"] + 1)
    for i in range(retry["MaxAttempts"]):
        total += min(retry["IntervalSeconds"] * retry["BackoffRate"] ** i, retry.get("MaxDelaySeconds", math.inf))
    return total


def test_runs_an_express_workflow_in_jsonata_with_tracing_full_logging_and_a_15_second_timeout(template: Template, asl: dict[str, Any]) -> None:
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "EXPRESS",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": Match.object_like(
                {
                    "Level": "ALL",
                    "IncludeExecutionData": True,
                    "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [Match.string_like_regexp("^OrderCheckLogs"), "Arn"]}}}],
                }
            ),
        },
    )
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30, "LogGroupName": "/aws/vendedlogs/states/Under-Test-OrderCheck"})
    assert asl["QueryLanguage"] == "JSONata"
    assert asl["TimeoutSeconds"] == 15


def test_forks_the_order_into_fraud_stock_and_shipping_branches_and_joins_their_results_by_name(asl: dict[str, Any], parallel: dict[str, Any]) -> None:
    assert asl["StartAt"] == "Check order"
    assert parallel["Type"] == "Parallel"
    assert [(b["StartAt"], sorted(b["States"])) for b in parallel["Branches"]] == [
        ("Score fraud", ["Fraud score unavailable", "Score fraud"]),
        ("Check stock", ["Check stock"]),
        ("Quote shipping", ["Quote shipping", "Shipping quote unavailable"]),
    ]
    # The join names result[i] after branch i; the order above is what makes it right.
    assert parallel["Output"] == JOIN
    assert JOIN == "{% {'orderId': $states.input.orderId, 'fraud': $states.result[0], 'stock': $states.result[1], 'shipping': $states.result[2]} %}"
    assert parallel["Next"] == "Decide"
    assert sorted(asl["States"]) == ["Check order", "Decide", "Order approved", "Order held for review", "Order rejected"]


def test_calls_the_two_functions_through_lambda_invoke_and_reads_stock_with_a_direct_get_item(parallel: dict[str, Any]) -> None:
    for state, fn in (("Score fraud", "FraudScorer"), ("Quote shipping", "ShippingQuoter")):
        task = branch_state(parallel, state)
        assert task["Resource"].endswith(":states:::lambda:invoke")
        assert re.fullmatch(rf"<{fn}[0-9A-F]{{8}}\.Arn>", task["Arguments"]["FunctionName"])
        assert task["Arguments"]["Payload"] == "{% $states.input %}"
        assert task["Output"] == "{% $states.result.Payload %}"
    stock = branch_state(parallel, "Check stock")
    assert stock["Resource"].endswith(":states:::dynamodb:getItem")
    assert re.fullmatch(r"<Stock[0-9A-F]{8}>", stock["Arguments"]["TableName"])
    assert stock["Arguments"]["Key"] == {"sku": {"S": "{% $states.input.sku %}"}}
    assert stock["Arguments"]["ConsistentRead"] is False


def test_retries_each_branch_on_its_own_transient_errors_with_exponential_backoff_and_full_jitter(parallel: dict[str, Any]) -> None:
    lambda_retry = {"ErrorEquals": UNAVAILABLE_LAMBDA_ERRORS, "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2, "JitterStrategy": "FULL"}
    assert branch_state(parallel, "Score fraud")["Retry"] == [lambda_retry]
    assert branch_state(parallel, "Quote shipping")["Retry"] == [lambda_retry]
    assert branch_state(parallel, "Check stock")["Retry"] == [
        {"ErrorEquals": TRANSIENT_DYNAMODB_ERRORS, "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "MaxDelaySeconds": 2, "JitterStrategy": "FULL"}
    ]
    assert "Lambda.TooManyRequestsException" in UNAVAILABLE_LAMBDA_ERRORS and "States.Timeout" in UNAVAILABLE_LAMBDA_ERRORS
    assert "DynamoDB.ProvisionedThroughputExceededException" in TRANSIENT_DYNAMODB_ERRORS
    # The DynamoDB integration's error names are not documented: both spellings of the two unsuffixed API errors.
    for name in ("InternalServerError", "InternalServerErrorException", "RequestLimitExceeded", "RequestLimitExceededException"):
        assert f"DynamoDB.{name}" in TRANSIENT_DYNAMODB_ERRORS, name
    assert [branch_state(parallel, s)["TimeoutSeconds"] for s in BRANCH_TASKS] == [3, 1, 3]


def test_turns_an_unavailable_fraud_scorer_or_shipping_quoter_into_an_unavailable_result_instead_of_a_failure(parallel: dict[str, Any]) -> None:
    for state, fallback in (("Score fraud", "Fraud score unavailable"), ("Quote shipping", "Shipping quote unavailable")):
        assert branch_state(parallel, state)["Catch"] == [{"ErrorEquals": UNAVAILABLE_LAMBDA_ERRORS, "Next": fallback, "Output": "{% $states.errorOutput %}"}]
        assert branch_state(parallel, fallback) == {
            "Type": "Pass",
            "QueryLanguage": "JSONata",
            "Output": "{% {'status': 'UNAVAILABLE', 'error': $states.input.Error} %}",
            "End": True,
        }
    assert DEGRADED_STATES == ["Fraud score unavailable", "Shipping quote unavailable"]


def test_lets_a_failed_stock_read_an_invalid_order_or_a_bug_fail_the_whole_parallel_state(parallel: dict[str, Any]) -> None:
    # No Catch on the stock branch, none on the Parallel state, and no Retry there that would rerun finished branches.
    assert "Catch" not in branch_state(parallel, "Check stock")
    assert "Catch" not in parallel
    assert "Retry" not in parallel
    # The catchers name unavailability only: InvalidOrder and any other function error are not caught anywhere.
    caught = [e for b in parallel["Branches"] for s in b["States"].values() for c in s.get("Catch", []) for e in c["ErrorEquals"]]
    assert not {"States.ALL", "States.TaskFailed", "InvalidOrder"} & set(caught)


def test_fits_the_slowest_branch_with_all_its_retries_inside_the_execution_timeout(asl: dict[str, Any], parallel: dict[str, Any]) -> None:
    worst = [worst_case_seconds(branch_state(parallel, s)) for s in BRANCH_TASKS]
    assert worst == [12, 9, 12]
    assert max(worst) < asl["TimeoutSeconds"]


def test_decides_on_the_joined_result_rejections_first_then_review_otherwise_approval(asl: dict[str, Any]) -> None:
    decide = asl["States"]["Decide"]
    assert [(c["Condition"], c["Next"]) for c in decide["Choices"]] == [
        ("{% $states.input.stock.status = 'SHORT' %}", "Order rejected"),
        ("{% $states.input.shipping.status = 'NO_ROUTE' %}", "Order rejected"),
        (f"{{% $states.input.fraud.status = 'SCORED' and $states.input.fraud.score >= {REJECT_SCORE} %}}", "Order rejected"),
        (
            "{% $states.input.fraud.status = 'UNAVAILABLE' or $states.input.shipping.status = 'UNAVAILABLE' "
            f"or $states.input.fraud.score >= {REVIEW_SCORE} %}}",
            "Order held for review",
        ),
    ]
    assert decide["Default"] == "Order approved"
    assert (REJECT_SCORE, REVIEW_SCORE) == (70, 40)
    for state, decision in (("Order approved", "APPROVED"), ("Order rejected", "REJECTED"), ("Order held for review", "REVIEW")):
        assert asl["States"][state]["Type"] == "Succeed"
        assert f"'decision': '{decision}'" in asl["States"][state]["Output"]


def test_lets_the_workflow_invoke_its_two_functions_read_only_the_stock_table_and_nothing_else(template: Template) -> None:
    statements = statements_of_role(template, "OrderCheckRole")
    invoke = [s for s in statements if any(a.startswith("lambda:") for a in actions_of(s))]
    assert len(invoke) == 1
    assert invoke[0]["Action"] == "lambda:InvokeFunction"
    resources = invoke[0]["Resource"] if isinstance(invoke[0]["Resource"], list) else [invoke[0]["Resource"]]
    targets = sorted(re.search(r'"([A-Za-z]+)[0-9A-F]{8}", "Arn"', json.dumps(r)).group(1) for r in resources)  # type: ignore[union-attr]
    assert targets == ["FraudScorer", "FraudScorer", "ShippingQuoter", "ShippingQuoter"], "each function and its versions"

    dynamo = [s for s in statements if any(a.startswith("dynamodb:") for a in actions_of(s))]
    assert [s["Action"] for s in dynamo] == ["dynamodb:GetItem"]
    stock_table = next(iter(template.find_resources("AWS::DynamoDB::GlobalTable")))
    assert dynamo[0]["Resource"]["Fn::Join"][1][-1] == {"Ref": stock_table}

    # Everything else the role may do is log delivery and tracing, which take no narrower resource.
    rest = [s for s in statements if s not in invoke and s not in dynamo]
    for statement in rest:
        assert statement["Resource"] == "*"
        for action in actions_of(statement):
            assert re.fullmatch(r"logs:(Create|Delete|Describe|Get|List|Put|Update)[A-Za-z]+|xray:[A-Za-z]+", action)
    assert len(statements) == 3


def test_gives_each_function_a_role_that_can_only_write_its_own_logs_and_traces(template: Template) -> None:
    for fn in ("FraudScorer", "ShippingQuoter"):
        actions = sorted(a for s in statements_of_role(template, f"{fn}Role") for a in actions_of(s))
        assert actions == ["logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    assert template.find_resources("AWS::IAM::Role", {"Properties": {"ManagedPolicyArns": Match.any_value()}}) == {}
    template.resource_properties_count_is(
        "AWS::Lambda::Function",
        {"Runtime": "python3.13", "Architectures": ["arm64"], "TracingConfig": {"Mode": "Active"}, "Timeout": 5},
        2,
    )


def test_keeps_stock_in_an_on_demand_table_keyed_by_sku_with_point_in_time_recovery(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "sku", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Replicas": [Match.object_like({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})],
        },
    )


def test_alarms_the_one_alarm_topic_on_failed_timed_out_and_throttled_executions_and_on_degraded_checks(template: Template) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]
    assert sorted(f"{a['Namespace']}/{a['MetricName']}" for a in alarms) == [
        "AWS/States/ExecutionThrottled",
        "AWS/States/ExecutionsFailed",
        "AWS/States/ExecutionsTimedOut",
        "ParallelExecution/DegradedChecks",
    ]
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
        assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
            "Sum",
            300,
            1,
            "GreaterThanOrEqualToThreshold",
        )
    metric_filter = next(iter(template.find_resources("AWS::Logs::MetricFilter").values()))
    assert metric_filter["Properties"]["FilterPattern"] == (
        '{ ($.type = "PassStateEntered") && (($.details.name = "Fraud score unavailable") || ($.details.name = "Shipping quote unavailable")) }'
    )
    # The filter reads PassStateEntered events, which only the ALL log level writes.
    template.has_resource_properties("AWS::StepFunctions::StateMachine", {"LoggingConfiguration": Match.object_like({"Level": "ALL"})})
    template.resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(ParallelExecutionStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: ParallelExecutionStack) -> None:
    with_email = ParallelExecutionStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
