import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from functions.travel.steps import STEPS
from tests.cdk_app import app_from_cdk_json
from the_saga_stepfunction.the_saga_stepfunction_stack import LAMBDA_TRANSIENT_ERRORS, TheSagaStepfunctionStack

FORWARD = ["Record trip", "Reserve hotel", "Reserve flight", "Reserve car", "Charge payment", "Confirm trip", "Trip booked"]
BOOKING_STEPS = {
    "Reserve hotel": "Cancel hotel",
    "Reserve flight": "Cancel flight",
    "Reserve car": "Cancel car",
    "Charge payment": "Refund payment",
}


@pytest.fixture(scope="module")
def stack() -> TheSagaStepfunctionStack:
    return TheSagaStepfunctionStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: TheSagaStepfunctionStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def asl(template: Template) -> dict[str, Any]:
    """The Fn::Join'ed definition turned back into ASL, each token written as a readable placeholder."""
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


def walk(asl: dict[str, Any], start: str) -> list[str]:
    """Follows Next from a state to the end and returns the names visited."""
    path: list[str] = []
    name: Any = start
    while name:
        path.append(name)
        name = asl["States"][name].get("Next")
    return path


def lambda_of(asl: dict[str, Any], state: str) -> str:
    return re.sub(r"^<(\w+?)[0-9A-F]{8}\.Arn>$", r"\1", asl["States"][state]["Arguments"]["FunctionName"])


def test_runs_a_standard_workflow_with_jsonata_tracing_full_event_logging_and_a_timeout(template: Template, asl: dict[str, Any]) -> None:
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "STANDARD",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": Match.object_like({"Level": "ALL"}),
        },
    )
    assert asl["QueryLanguage"] == "JSONata"
    assert asl["TimeoutSeconds"] == 300


def test_books_hotel_flight_car_and_payment_in_that_order_before_confirming(template: Template, asl: dict[str, Any]) -> None:
    assert asl["StartAt"] == "Record trip"
    assert walk(asl, "Record trip") == FORWARD
    assert asl["States"]["Trip booked"]["Type"] == "Succeed"
    assert [lambda_of(asl, s) for s in ("Reserve hotel", "Reserve flight", "Reserve car", "Charge payment")] == [
        "HotelService",
        "FlightService",
        "CarService",
        "PaymentService",
    ]
    handlers = sorted(f["Properties"]["Handler"] for f in template.find_resources("AWS::Lambda::Function").values())
    assert handlers == ["travel.car.handler", "travel.flight.handler", "travel.hotel.handler", "travel.payment.handler"]


def test_sends_every_forward_step_that_can_fail_into_the_compensation_chain_at_its_own_undo(asl: dict[str, Any]) -> None:
    catches = {
        state: [(c["ErrorEquals"], c["Next"]) for c in asl["States"][state]["Catch"]] for state in FORWARD if asl["States"][state].get("Catch")
    }
    assert catches == {
        "Reserve hotel": [(["States.ALL"], "Cancel hotel")],
        "Reserve flight": [(["States.ALL"], "Cancel flight")],
        "Reserve car": [(["States.ALL"], "Cancel car")],
        "Charge payment": [(["States.ALL"], "Refund payment")],
        "Confirm trip": [(["States.ALL"], "Refund payment")],
    }
    for state in catches:
        assign = asl["States"][state]["Catch"][0]["Assign"]
        assert re.fullmatch(r"\w+", assign["failedStep"])
        assert assign["failure"] == "{% $states.errorOutput %}"


def test_undoes_exactly_the_steps_reached_so_far_newest_first_then_records_and_fails_the_trip(asl: dict[str, Any]) -> None:
    order = list(BOOKING_STEPS)
    for index, failing in enumerate(order):
        path = walk(asl, asl["States"][failing]["Catch"][0]["Next"])
        expected_undos = [BOOKING_STEPS[s] for s in reversed(order[: index + 1])]
        assert path == [*expected_undos, "Mark trip cancelled", "Trip cancelled"], f"after {failing} fails"
    assert walk(asl, asl["States"]["Confirm trip"]["Catch"][0]["Next"])[:4] == ["Refund payment", "Cancel car", "Cancel flight", "Cancel hotel"]
    assert asl["States"]["Trip cancelled"]["Type"] == "Fail"
    assert asl["States"]["Trip cancelled"]["Error"] == "TripCancelled"


def test_calls_each_undo_on_the_same_function_as_its_booking_with_action_cancel(asl: dict[str, Any]) -> None:
    for book, undo in BOOKING_STEPS.items():
        assert lambda_of(asl, undo) == lambda_of(asl, book)
        assert asl["States"][undo]["Arguments"]["Payload"] == {"action": "cancel", "trip": "{% $trip %}"}
    assert asl["States"]["Reserve hotel"]["Arguments"]["Payload"]["action"] == "reserve"
    assert (
        asl["States"]["Charge payment"]["Arguments"]["Payload"]["amountCents"]
        == "{% $hotel.priceCents + $flight.priceCents + $car.priceCents %}"
    )


def test_retries_only_transient_lambda_errors_on_bookings_so_a_refusal_compensates_at_once(asl: dict[str, Any]) -> None:
    for state in BOOKING_STEPS:
        retry = asl["States"][state]["Retry"]
        assert retry == [
            {"ErrorEquals": LAMBDA_TRANSIENT_ERRORS, "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}
        ]
        assert "ProviderRefused" not in retry[0]["ErrorEquals"]


def test_retries_every_compensation_on_any_error_and_hands_a_stuck_one_to_a_person(asl: dict[str, Any]) -> None:
    for state in [*BOOKING_STEPS.values(), "Mark trip cancelled"]:
        definition = asl["States"][state]
        assert definition["Retry"] == [
            {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 5, "BackoffRate": 2, "JitterStrategy": "FULL"}
        ]
        assert len(definition["Catch"]) == 1
        assert definition["Catch"][0]["Next"] == "Compensation failed"
        assert definition["Catch"][0]["Assign"].get("stuckAt"), f"{state} names itself when stuck"
    assert asl["States"]["Compensation failed"]["Error"] == "CompensationFailed"


def test_keeps_the_trip_record_in_dynamodb_through_direct_service_integrations_keyed_by_the_execution_name(asl: dict[str, Any]) -> None:
    record = asl["States"]["Record trip"]
    assert re.search(r":states:::dynamodb:putItem$", record["Resource"])
    assert record["Arguments"]["Item"]["tripId"] == {"S": "{% $states.context.Execution.Name %}"}
    assert record["Arguments"]["Item"]["status"] == {"S": "PENDING"}
    for state, status in (("Confirm trip", "CONFIRMED"), ("Mark trip cancelled", "CANCELLED")):
        assert re.search(r":states:::dynamodb:updateItem$", asl["States"][state]["Resource"])
        assert asl["States"][state]["Arguments"]["Key"] == {"tripId": {"S": "{% $trip.tripId %}"}, "step": {"S": "TRIP"}}
        assert any(v.get("S") == status for v in asl["States"][state]["Arguments"]["ExpressionAttributeValues"].values())


def test_keys_the_bookings_table_by_trip_and_step(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": "tripId", "KeyType": "HASH"}, {"AttributeName": "step", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def test_starts_the_saga_from_post_trips_with_the_request_id_as_execution_name_after_validating_the_body(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "POST",
            "RequestValidatorId": Match.any_value(),
            "Integration": Match.object_like(
                {
                    "Type": "AWS",
                    "Uri": {"Fn::Join": ["", Match.array_with([":states:action/StartExecution"])]},
                    "RequestTemplates": {
                        "application/json": {"Fn::Join": ["", Match.array_with([Match.string_like_regexp('"name": "\\$context.requestId"')])]}
                    },
                    "IntegrationResponses": Match.array_with([Match.object_like({"StatusCode": "202"})]),
                }
            ),
        },
    )
    model = next(iter(template.find_resources("AWS::ApiGateway::Model").values()))
    assert model["Properties"]["Schema"]["required"] == ["traveller", "destination", "nights"]
    assert model["Properties"]["Schema"]["properties"]["failAt"]["enum"] == list(STEPS)
    assert model["Properties"]["Schema"]["additionalProperties"] is False


def test_reads_a_trip_from_get_trips_trip_id_with_a_dynamodb_query_404_when_there_is_none(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "GET",
            "Integration": Match.object_like(
                {
                    "Uri": {"Fn::Join": ["", Match.array_with([":dynamodb:action/Query"])]},
                    "IntegrationResponses": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "StatusCode": "200",
                                    "ResponseTemplates": {"application/json": Match.string_like_regexp("responseOverride.status = 404")},
                                }
                            )
                        ]
                    ),
                }
            ),
        },
    )


def test_gives_api_gateway_one_role_per_action_each_limited_to_one_resource(template: Template) -> None:
    def inline(prefix: str) -> list[dict[str, Any]]:
        roles = [r for i, r in template.find_resources("AWS::IAM::Role").items() if i.startswith(prefix)]
        assert len(roles) == 1
        assert "ManagedPolicyArns" not in roles[0]["Properties"]
        return [
            {"Action": s["Action"], "Resource": s["Resource"]}
            for p in roles[0]["Properties"]["Policies"]
            for s in p["PolicyDocument"]["Statement"]
        ]

    machine = next(iter(template.find_resources("AWS::StepFunctions::StateMachine")))
    table = next(iter(template.find_resources("AWS::DynamoDB::GlobalTable")))
    assert inline("StartTripRole") == [{"Action": "states:StartExecution", "Resource": {"Ref": machine}}]
    assert inline("ReadTripRole") == [{"Action": "dynamodb:Query", "Resource": {"Fn::GetAtt": [table, "Arn"]}}]


def test_lets_each_service_function_only_put_and_update_bookings_plus_its_logs_and_traces(template: Template) -> None:
    for fn in ("HotelService", "FlightService", "CarService", "PaymentService"):
        actions = sorted(
            action
            for policy in template.find_resources("AWS::IAM::Policy").values()
            if any(r["Ref"].startswith(f"{fn}Role") for r in policy["Properties"]["Roles"])
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
        )
        assert actions == [
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTelemetryRecords",
            "xray:PutTraceSegments",
        ], fn


def test_alarms_the_one_alarm_topic_when_a_compensation_gives_up_or_an_execution_times_out(template: Template, asl: dict[str, Any]) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    metric_filter = next(iter(template.find_resources("AWS::Logs::MetricFilter").values()))
    assert metric_filter["Properties"]["FilterPattern"] == '{ ($.type = "FailStateEntered") && ($.details.name = "Compensation failed") }'
    assert "Compensation failed" in asl["States"], "the filtered state exists"
    by_metric = {a["Properties"]["MetricName"]: a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()}
    assert sorted(by_metric) == ["CompensationsFailed", "ExecutionsTimedOut"]
    for alarm in by_metric.values():
        assert alarm["AlarmActions"] == [{"Ref": topics[0]}]
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    template.resource_count_is("AWS::SNS::Subscription", 0)
    mailed = Template.from_stack(TheSagaStepfunctionStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Mailed"))
    mailed.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_passes_the_awssolutions_and_serverless_cdk_nag_packs_with_every_exception_acknowledged(stack: TheSagaStepfunctionStack) -> None:
    with_email = TheSagaStepfunctionStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == [], scope.node.id
