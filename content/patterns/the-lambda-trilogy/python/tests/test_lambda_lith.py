import json
from typing import Any, Union

import pytest

from functions.calculator.lambda_lith import handler
from functions.calculator.lith_app import App, Request, create_app, handle_error
from tests.events import proxy_event


def invoke(method: str, path: str, query: Union[dict[str, Union[str, list[str]]], None] = None) -> dict[str, Any]:
    """Goes through the Lambda entry point exactly as Lambda would call it, event translation included."""
    result = handler(proxy_event(method, "/{proxy+}", path, query), None)
    return {**result, "json": json.loads(result["body"])}


def test_serves_each_operation_from_an_api_gateway_proxy_event() -> None:
    added = invoke("GET", "/add", {"a": "2", "b": "40"})
    assert added["statusCode"] == 200
    assert added["json"] == {"operation": "add", "a": 2, "b": 40, "result": 42}
    assert added["headers"]["content-type"].startswith("application/json")
    assert invoke("GET", "/multiply", {"a": "-3", "b": "7"})["json"]["result"] == -21


def test_validates_operands_in_the_app_since_api_gateway_cannot_for_a_proxy_route() -> None:
    response = invoke("GET", "/subtract", {"a": "5"})
    assert response["statusCode"] == 400
    assert "/subtract?a=3&b=4" in response["json"]["message"]


def test_refuses_a_repeated_operand_instead_of_picking_one() -> None:
    assert invoke("GET", "/add", {"a": ["1", "2"], "b": "3"})["statusCode"] == 400


def test_answers_unknown_paths_and_methods_with_a_json_404() -> None:
    unknown = invoke("GET", "/divide", {"a": "1", "b": "2"})
    assert unknown["statusCode"] == 404
    assert unknown["json"]["message"] == "No route for GET /divide."
    assert invoke("POST", "/add", {"a": "1", "b": "2"})["statusCode"] == 404


def test_does_not_advertise_the_framework() -> None:
    headers = {k.lower() for k in invoke("GET", "/add", {"a": "1", "b": "1"})["headers"]}
    assert "x-powered-by" not in headers
    assert "server" not in headers


def test_answers_a_generic_500_and_keeps_the_cause_out_of_the_response(caplog: pytest.LogCaptureFixture) -> None:
    response = handle_error(RuntimeError("secret connection string"), Request("GET", "/add"))
    assert response.status_code == 500
    assert "secret" not in json.dumps(response.body)
    assert "secret connection string" in caplog.text


def test_turns_an_exception_in_a_route_into_that_500(caplog: pytest.LogCaptureFixture) -> None:
    app: App = create_app()

    @app.get("/boom")
    def boom(_request: Request) -> Any:
        raise RuntimeError("secret connection string")

    response = app.handle(Request("GET", "/boom"))
    assert (response.status_code, response.body) == (500, {"message": "Something went wrong."})
    assert "secret connection string" in caplog.text
