import json
import logging
from decimal import Decimal
from typing import Any

import pytest

from functions.get_product import PRODUCT_ID, create_handler, dynamo_find


def request(product_id: str | None) -> dict[str, Any]:
    return {"pathParameters": None if product_id is None else {"productId": product_id}, "requestContext": {"http": {"method": "GET"}}}


def test_answers_200_with_the_stored_product() -> None:
    seen: list[str] = []

    def find(product_id: str) -> dict[str, Any]:
        seen.append(product_id)
        return {"productId": product_id, "name": "Espresso cup", "priceCents": Decimal("1200")}

    response = create_handler(find)(request("cup-01"))
    assert seen == ["cup-01"]
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    assert json.loads(response["body"]) == {"productId": "cup-01", "name": "Espresso cup", "priceCents": 1200}


def test_answers_404_when_the_product_does_not_exist() -> None:
    response = create_handler(lambda _id: None)(request("nothing-here"))
    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"message": "No product nothing-here."}


def test_refuses_a_malformed_product_id_with_400_without_touching_the_table() -> None:
    calls: list[str] = []
    handler = create_handler(lambda product_id: calls.append(product_id))
    for product_id in ["", "has space", "semi;colon", "x" * 65, None, "cup-01\n"]:
        assert handler(request(product_id))["statusCode"] == 400, product_id
    assert calls == []
    assert PRODUCT_ID.fullmatch("x" * 64)


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(caplog: pytest.LogCaptureFixture) -> None:
    def fail(_product_id: str) -> None:
        raise RuntimeError("AccessDeniedException on table Products-ABC123")

    with caplog.at_level(logging.ERROR):
        response = create_handler(fail)(request("cup-01"))
    assert response["statusCode"] == 500
    assert "Products-ABC123" not in response["body"] and "AccessDenied" not in response["body"]
    assert "product lookup failed" in caplog.text and "AccessDeniedException" in caplog.text


def test_reads_one_item_by_key_with_get_item_on_the_configured_table() -> None:
    calls: list[dict[str, Any]] = []

    class Table:
        def get_item(self, **kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            return {"Item": {"productId": "cup-01"}}

    assert dynamo_find(Table())("cup-01") == {"productId": "cup-01"}
    assert calls == [{"Key": {"productId": "cup-01"}}]
