import json

from functions.calculator import add, multiply, subtract
from functions.calculator.fat_lambda import ROUTES, handler as fat_lambda, route
from tests.events import proxy_event


def test_each_one_applies_only_its_own_operation_whatever_the_path_says() -> None:
    # The same event to all three: a single-purpose function never looks at the route.
    event = proxy_event("GET", "/add", "/add", {"a": "6", "b": "3"})
    results = [add.handler(event, None), subtract.handler(event, None), multiply.handler(event, None)]
    assert [json.loads(r["body"])["result"] for r in results] == [9, 3, 18]
    assert all(r["headers"]["content-type"] == "application/json" for r in results)


def test_pass_validation_failures_through_as_400() -> None:
    assert add.handler(proxy_event("GET", "/add", "/add", {"a": "6"}), None)["statusCode"] == 400


def test_maps_each_get_route_to_its_operation_and_nothing_else() -> None:
    assert list(ROUTES) == ["GET /add", "GET /subtract", "GET /multiply"]
    assert route("GET", "/multiply") == "multiply"
    assert route("get", "/add") == "add"
    assert route("POST", "/add") is None
    assert route("GET", "/divide") is None
    assert route("GET", "/add/") is None


def test_dispatches_on_the_matched_resource_so_the_stage_prefix_does_not_matter() -> None:
    response = fat_lambda(proxy_event("GET", "/subtract", "/subtract", {"a": "1", "b": "5"}))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"operation": "subtract", "a": 1, "b": 5, "result": -4}


def test_answers_404_for_a_route_it_does_not_own() -> None:
    response = fat_lambda(proxy_event("DELETE", "/add", "/add", {"a": "1", "b": "2"}))
    assert response["statusCode"] == 404
    assert "DELETE /add" in json.loads(response["body"])["message"]
