from typing import Any, Callable

import pytest
from aws_cdk.assertions import Template

from map_state_dynamic_parallelism.map_state_dynamic_parallelism_stack import MapStateDynamicParallelismStack
from tests.asl import choose, definition_of
from tests.cdk_app import app_from_cdk_json


def _order(n: int) -> dict[str, Any]:
    return {"orderId": f"ord-{n}", "currency": "EUR", "lines": [{"sku": "TEA", "quantity": 1, "unitPriceCents": 450}]}


def _orders(count: int) -> list[dict[str, Any]]:
    return [_order(n) for n in range(count)]


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    return definition_of(Template.from_stack(MapStateDynamicParallelismStack(app_from_cdk_json(), "Under-Test")))


@pytest.fixture(scope="module")
def route(definition: dict[str, Any]) -> Callable[[Any], str]:
    first = definition["States"][definition["StartAt"]]
    return lambda job: choose(first, job)


def test_starts_at_the_choice_that_routes_the_job(definition: dict[str, Any]) -> None:
    assert definition["StartAt"] == "Route job"
    assert definition["States"]["Route job"]["Type"] == "Choice"


def test_sends_a_list_of_1_to_400_orders_to_the_inline_map(definition: dict[str, Any], route: Callable[[Any], str]) -> None:
    assert route({"items": _orders(1)}) == "Price inline orders"
    assert route({"items": _orders(400)}) == "Price inline orders"
    assert definition["States"]["Price inline orders"]["ItemProcessor"]["ProcessorConfig"]["Mode"] == "INLINE"


def test_refuses_a_list_of_more_than_400_orders_with_too_many_inline_orders(definition: dict[str, Any], route: Callable[[Any], str]) -> None:
    assert route({"items": _orders(401)}) == "Too many inline orders"
    assert route({"items": _orders(2000)}) == "Too many inline orders"
    state = definition["States"]["Too many inline orders"]
    assert (state["Type"], state["Error"]) == ("Fail", "TooManyInlineOrders")


def test_sends_a_manifest_key_under_manifests_to_the_distributed_map(definition: dict[str, Any], route: Callable[[Any], str]) -> None:
    assert route({"manifest": {"key": "manifests/orders.json"}}) == "Price manifest orders"
    assert route({"manifest": {"key": "manifests/2026/12/orders.json"}}) == "Price manifest orders"
    assert definition["States"]["Price manifest orders"]["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED"


def test_prefers_inline_orders_when_a_job_carries_both(route: Callable[[Any], str]) -> None:
    assert route({"items": _orders(3), "manifest": {"key": "manifests/orders.json"}}) == "Price inline orders"


@pytest.mark.parametrize(
    "job",
    [
        {},
        {"items": []},
        {"items": "ord-1"},
        {"items": {"0": _order(0)}},
        {"manifest": "manifests/orders.json"},
        {"manifest": {}},
        {"manifest": {"key": 42}},
        {"manifest": {"key": None}},
        {"manifest": {"key": "results/orders.json"}},
        {"manifest": {"key": "orders.json"}},
        {"manifest": {"key": "Manifests/orders.json"}},
    ],
)
def test_fails_anything_else_with_invalid_job_and_never_compares_a_missing_or_mistyped_field(
    definition: dict[str, Any], route: Callable[[Any], str], job: dict[str, Any]
) -> None:
    # choose() raises States.Runtime where Step Functions would, so each case also proves the rule order is safe.
    assert route(job) == "Invalid job"
    state = definition["States"]["Invalid job"]
    assert (state["Type"], state["Error"]) == ("Fail", "InvalidJob")
