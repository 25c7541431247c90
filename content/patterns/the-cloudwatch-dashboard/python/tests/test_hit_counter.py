import json
from typing import Any

import pytest

from functions.hit_counter import create_handler, page_key, visit_recorder


def call(method: str, raw_path: str) -> dict[str, Any]:
    return {"rawPath": raw_path, "requestContext": {"http": {"method": method}}}


def test_folds_case_and_trailing_slashes_into_one_counter() -> None:
    assert page_key("/About/") == "/about"
    assert page_key("/docs///") == "/docs"
    assert page_key("/") == "/"
    assert page_key("") == "/"
    assert page_key(None) == "/"


class FakeDynamoDB:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.calls: list[dict[str, Any]] = []

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return self.answer


def test_sends_one_atomic_add_to_the_named_table_and_reads_back_the_total() -> None:
    client = FakeDynamoDB({"Attributes": {"hits": {"N": "7"}}})
    assert visit_recorder(client, "hits-table")("/about") == 7
    assert client.calls == [
        {
            "TableName": "hits-table",
            "Key": {"path": {"S": "/about"}},
            "UpdateExpression": "ADD hits :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
            "ReturnValues": "UPDATED_NEW",
        }
    ]


def test_fails_loudly_when_dynamodb_returns_no_count() -> None:
    with pytest.raises(RuntimeError, match="no hit count"):
        visit_recorder(FakeDynamoDB({}), "t")("/x")


def test_counts_a_get_under_its_page_key() -> None:
    pages: list[str] = []

    def record(page: str) -> int:
        pages.append(page)
        return 12

    response = create_handler(record)(call("GET", "/Pricing/"))
    assert pages == ["/pricing"]
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"page": "/pricing", "hits": 12}


def test_answers_other_methods_with_405_and_records_nothing() -> None:
    writes: list[str] = []
    response = create_handler(lambda page: writes.append(page) or 1)(call("DELETE", "/pricing"))
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "GET"
    assert writes == []


def test_logs_the_failure_at_error_level_and_hides_it_from_the_caller(caplog: pytest.LogCaptureFixture) -> None:
    def failing(_page: str) -> int:
        raise RuntimeError("ThrottlingException on table hits-prod")

    response = create_handler(failing)(call("GET", "/"))
    assert response["statusCode"] == 500
    assert "hits-prod" not in response["body"]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "ThrottlingException" in errors[0].getMessage()
