from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from serverless_microservices.event_consumer import DELIVERY_MAX_AGE, DELIVERY_RETRIES, PROCESSING_RETRIES
from serverless_microservices.serverless_microservices_stack import ServerlessMicroservicesStack
from tests.cdk_app import app_from_cdk_json
from tests.event_pattern import matches


@pytest.fixture(scope="module")
def stack() -> ServerlessMicroservicesStack:
    return ServerlessMicroservicesStack(app_from_cdk_json(), "Under-Test")


@pytest.fixture(scope="module")
def template(stack: ServerlessMicroservicesStack) -> Template:
    return Template.from_stack(stack)


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, Any]:
    return template.to_json()["Resources"]


def ids_under(resources: dict[str, Any], type_: str, prefix: str) -> list[str]:
    """Logical ids of a type under a construct path (CDK builds logical ids from the path)."""
    id_prefix = prefix.replace("/", "")
    return [i for i, r in resources.items() if r["Type"] == type_ and i.startswith(id_prefix)]


def refs(value: Any) -> list[str]:
    """Every logical id a value refers to through Ref or Fn::GetAtt."""
    if isinstance(value, list):
        return [r for v in value for r in refs(v)]
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            return [value["Ref"]]
        if isinstance(value.get("Fn::GetAtt"), list):
            return [str(value["Fn::GetAtt"][0])]
        return [r for v in value.values() for r in refs(v)]
    return []


def actions(statement: dict[str, Any]) -> list[str]:
    return [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]


def rule_pattern(resources: dict[str, Any], prefix: str) -> dict[str, Any]:
    return resources[ids_under(resources, "AWS::Events::Rule", prefix)[0]]["Properties"]["EventPattern"]


def test_gives_each_service_its_own_http_api_table_and_dead_letter_queue_and_both_one_custom_bus(template: Template, resources: dict[str, Any]) -> None:
    template.resource_count_is("AWS::Events::EventBus", 1)
    for service in ("OrdersService", "InventoryService"):
        for type_ in ("AWS::ApiGatewayV2::Api", "AWS::DynamoDB::GlobalTable", "AWS::SQS::Queue", "AWS::Events::Rule"):
            assert len(ids_under(resources, type_, service)) == 1, (service, type_)
    bus = next(iter(template.find_resources("AWS::Events::EventBus")))
    assert all(r["Properties"]["EventBusName"] == {"Ref": bus} for r in template.find_resources("AWS::Events::Rule").values())


def test_subscribes_inventory_to_exactly_order_placed_from_shop_orders(resources: dict[str, Any]) -> None:
    pattern = rule_pattern(resources, "InventoryService/ReserveStockRule")
    assert pattern == {"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}

    def event(source: str, detail_type: str) -> dict[str, Any]:
        return {"source": source, "detail-type": detail_type, "detail": {"orderId": "o-1"}}

    assert matches(pattern, event("shop.orders", "OrderPlaced"))
    assert not matches(pattern, event("shop.inventory", "OrderPlaced")), "another service cannot impersonate Orders"
    assert not matches(pattern, event("shop.orders", "OrderCancelled"))
    assert not matches(pattern, event("shop.orders", "orderplaced")), "matching is case-sensitive"
    assert not matches(pattern, {"detail-type": "OrderPlaced"})


def test_subscribes_orders_to_exactly_stock_reserved_and_stock_unavailable_from_shop_inventory(resources: dict[str, Any]) -> None:
    pattern = rule_pattern(resources, "OrdersService/StockOutcomeRule")
    assert pattern == {"source": ["shop.inventory"], "detail-type": ["StockReserved", "StockUnavailable"]}

    def event(source: str, detail_type: str) -> dict[str, Any]:
        return {"source": source, "detail-type": detail_type, "detail": {}}

    assert matches(pattern, event("shop.inventory", "StockReserved"))
    assert matches(pattern, event("shop.inventory", "StockUnavailable"))
    assert not matches(pattern, event("shop.orders", "StockReserved"))
    assert not matches(pattern, event("shop.inventory", "OrderPlaced")), "an own OrderPlaced never loops back"


def test_retries_delivery_and_processing_then_parks_the_event_in_the_subscribing_services_dead_letter_queue(
    template: Template, resources: dict[str, Any]
) -> None:
    for service, fn in (("InventoryService", "ReserveStock"), ("OrdersService", "RecordStockOutcome")):
        queue = ids_under(resources, "AWS::SQS::Queue", service)[0]
        rule = ids_under(resources, "AWS::Events::Rule", service)[0]
        target = resources[rule]["Properties"]["Targets"][0]
        assert target["RetryPolicy"] == {"MaximumRetryAttempts": DELIVERY_RETRIES, "MaximumEventAgeInSeconds": DELIVERY_MAX_AGE.to_seconds()}
        assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}
        consumer = ids_under(resources, "AWS::Lambda::Function", f"{service}/{fn}/")[0]
        assert target["Arn"] == {"Fn::GetAtt": [consumer, "Arn"]}
        template.has_resource_properties(
            "AWS::Lambda::EventInvokeConfig",
            {
                "FunctionName": {"Ref": consumer},
                "MaximumRetryAttempts": PROCESSING_RETRIES,
                "DestinationConfig": {"OnFailure": {"Destination": {"Fn::GetAtt": [queue, "Arn"]}}},
            },
        )
    assert (DELIVERY_RETRIES, DELIVERY_MAX_AGE.to_seconds(), PROCESSING_RETRIES) == (4, 7200, 2)


def test_never_lets_one_services_roles_touch_the_other_services_table(template: Template, resources: dict[str, Any]) -> None:
    tables = {s: ids_under(resources, "AWS::DynamoDB::GlobalTable", s)[0] for s in ("OrdersService", "InventoryService")}
    dynamo_by_service: dict[str, set[str]] = {s: set() for s in tables}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        roles = refs(policy["Properties"]["Roles"])
        service = next((s for s in tables if all(r in ids_under(resources, "AWS::IAM::Role", s) for r in roles)), None)
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if not any(a.startswith("dynamodb:") for a in actions(statement)):
                continue
            assert service, f"a DynamoDB grant to a role outside both services: {roles}"
            dynamo_by_service[service].update(refs(statement["Resource"]))
    assert dynamo_by_service == {s: {t} for s, t in tables.items()}


def test_grants_each_function_only_the_dynamodb_actions_its_job_needs(template: Template, resources: dict[str, Any]) -> None:
    def actions_of(prefix: str) -> list[str]:
        role = ids_under(resources, "AWS::IAM::Role", prefix)[0]
        return sorted(
            a
            for p in template.find_resources("AWS::IAM::Policy").values()
            if role in refs(p["Properties"]["Roles"])
            for s in p["Properties"]["PolicyDocument"]["Statement"]
            for a in actions(s)
            if a.startswith(("dynamodb:", "events:"))
        )

    assert actions_of("OrdersService/PlaceOrderRole") == ["dynamodb:DeleteItem", "dynamodb:PutItem", "events:PutEvents"]
    assert actions_of("OrdersService/GetOrderRole") == ["dynamodb:GetItem"]
    assert actions_of("OrdersService/RecordStockOutcomeRole") == ["dynamodb:UpdateItem"]
    assert actions_of("InventoryService/StockApiRole") == ["dynamodb:GetItem", "dynamodb:PutItem"]
    assert actions_of("InventoryService/ReserveStockRole") == ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "events:PutEvents"]
    # Publishing is allowed on the shared bus only, not on the default bus, and each publisher
    # only under its own service's source, so neither can forge the other's events.
    bus = next(iter(template.find_resources("AWS::Events::EventBus")))
    source_of: dict[str, Any] = {}
    for policy in template.find_resources("AWS::IAM::Policy").values():
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "events:PutEvents" not in actions(s):
                continue
            assert s["Resource"] == {"Fn::GetAtt": [bus, "Arn"]}
            assert list(s["Condition"]) == ["ForAllValues:StringEquals"]
            for role in refs(policy["Properties"]["Roles"]):
                source_of[role] = s["Condition"]["ForAllValues:StringEquals"]["events:source"]
    assert source_of == {
        ids_under(resources, "AWS::IAM::Role", "OrdersService/PlaceOrderRole")[0]: ["shop.orders"],
        ids_under(resources, "AWS::IAM::Role", "InventoryService/ReserveStockRole")[0]: ["shop.inventory"],
    }


def test_alarms_on_both_dead_letter_queues_both_consumers_and_both_apis_on_one_topic(template: Template, resources: dict[str, Any]) -> None:
    topics = list(template.find_resources("AWS::SNS::Topic"))
    assert len(topics) == 1
    alarms = [a["Properties"] for a in template.find_resources("AWS::CloudWatch::Alarm").values()]

    def first(type_: str, prefix: str) -> str:
        return ids_under(resources, type_, prefix)[0]

    assert sorted((a["Namespace"], a["MetricName"], a["Statistic"], a["Threshold"], refs(a["Dimensions"])[0]) for a in alarms) == sorted(
        [
            ("AWS/ApiGateway", "5xx", "Sum", 1, first("AWS::ApiGatewayV2::Api", "InventoryService")),
            ("AWS/ApiGateway", "5xx", "Sum", 1, first("AWS::ApiGatewayV2::Api", "OrdersService")),
            ("AWS/Lambda", "Errors", "Sum", 1, first("AWS::Lambda::Function", "InventoryService/ReserveStock/")),
            ("AWS/Lambda", "Errors", "Sum", 1, first("AWS::Lambda::Function", "OrdersService/RecordStockOutcome/")),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, first("AWS::SQS::Queue", "InventoryService")),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, first("AWS::SQS::Queue", "OrdersService")),
        ]
    )
    assert all(a["AlarmActions"] == [{"Ref": topics[0]}] for a in alarms)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    with_email = Template.from_stack(ServerlessMicroservicesStack(app_from_cdk_json(alarmEmail="ops@example.com"), "With-Email"))
    with_email.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"})


def test_throttles_both_apis_and_encrypts_both_dead_letter_queues(template: Template) -> None:
    stages = list(template.find_resources("AWS::ApiGatewayV2::Stage").values())
    assert len(stages) == 2
    assert all(s["Properties"]["DefaultRouteSettings"] == {"ThrottlingBurstLimit": 20, "ThrottlingRateLimit": 50} for s in stages)
    template.all_resources_properties("AWS::SQS::Queue", {"SqsManagedSseEnabled": True, "MessageRetentionPeriod": 1209600})
    template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage"})])}},
    )


def test_passes_both_cdk_nag_packs_with_every_exception_acknowledged(stack: ServerlessMicroservicesStack) -> None:
    with_email = ServerlessMicroservicesStack(app_from_cdk_json(alarmEmail="ops@example.com"), "Nag-With-Email")
    for scope in (stack, with_email):
        for pack in (AwsSolutionsChecks(), ServerlessChecks()):
            report = pack.validate_scope(scope)
            assert [f"{v.rule_name}: {v.description}" for v in report.violations] == []
