import json
from typing import Any

import pytest

from functions.hit_counter import MAX_PATH_LENGTH, create_handler, dynamo_increment, normalise_path


def request(method: str, raw_path: str) -> dict[str, Any]:
    return {"rawPath": raw_path, "requestContext": {"http": {"method": method}}}


def test_treats_case_and_trailing_slashes_as_the_same_page() -> None:
    assert normalise_path("/Hello/") == "/hello"
    assert normalise_path("/hello//") == "/hello"
    assert normalise_path("/") == "/"
    assert normalise_path(None) == "/"


def test_counts_the_normalised_path_and_reports_the_new_total() -> None:
    seen: list[str] = []

    def increment(path: str) -> int:
        seen.append(path)
        return 3

    response = create_handler(increment)(request("GET", "/Docs/"))
    assert seen == ["/docs"]
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"path": "/docs", "hits": 3, "message": "You have visited /docs 3 times."}


def test_uses_the_singular_for_a_first_visit() -> None:
    body = json.loads(create_handler(lambda _path: 1)(request("GET", "/new"))["body"])
    assert body["message"] == "You have visited /new 1 time."


def test_refuses_other_methods_without_touching_the_table() -> None:
    calls: list[str] = []
    response = create_handler(lambda path: calls.append(path) or 1)(request("POST", "/"))
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "GET"
    assert calls == []


def test_refuses_a_path_longer_than_256_characters_without_touching_the_table() -> None:
    calls: list[str] = []
    handler = create_handler(lambda path: calls.append(path) or 1)
    longest = "/" + "a" * (MAX_PATH_LENGTH - 1)
    assert handler(request("GET", longest))["statusCode"] == 200
    assert handler(request("GET", longest + "b"))["statusCode"] == 414
    assert len(calls) == 1


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(caplog: pytest.LogCaptureFixture) -> None:
    def failing(_path: str) -> int:
        raise RuntimeError("ProvisionedThroughputExceededException: secret-table-name")

    response = create_handler(failing)(request("GET", "/"))
    assert response["statusCode"] == 500
    assert "secret-table-name" not in response["body"]
    assert "secret-table-name" in caplog.text


class FakeDynamoDB:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"Attributes": {"hits": {"N": "7"}}}


def test_adds_one_on_the_server_with_a_single_update_item_and_returns_the_new_total() -> None:
    client = FakeDynamoDB()
    assert dynamo_increment(client, "Hits")("/docs") == 7
    # ADD, not a read followed by a put: two requests at once cannot overwrite each other.
    assert client.calls == [
        {
            "TableName": "Hits",
            "Key": {"path": {"S": "/docs"}},
            "UpdateExpression": "ADD hits :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
            "ReturnValues": "UPDATED_NEW",
        }
    ]
