import json
from datetime import datetime, timezone
from typing import Any

import pytest

from catalog_reader import ReaderConfig, create_reader

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc)
CONFIG = ReaderConfig(table_name="Catalog", product_ttl_seconds=300, reviews_ttl_seconds=60, now=lambda: NOW)

PRODUCT = {
    "productId": {"S": "trail-shoe"},
    "sk": {"S": "PRODUCT"},
    "name": {"S": "Trail shoe"},
    "prices": {"M": {"USD": {"N": "12900"}, "EUR": {"N": "11900"}, "GBP": {"N": "9900"}}},
}


def review(n: int, rating: int) -> dict[str, Any]:
    return {
        "productId": {"S": "trail-shoe"},
        "sk": {"S": f"REVIEW#2026-12-0{n}T00:00:00.000Z#r{n}"},
        "reviewId": {"S": f"r{n}"},
        "rating": {"N": str(rating)},
        "comment": {"S": f"review {n}"},
        "createdAt": {"S": f"2026-12-0{n}T00:00:00.000Z"},
    }


def request(resource: str, product_id: str | None, query: dict[str, str] | None = None) -> dict[str, Any]:
    return {"resource": resource, "pathParameters": None if product_id is None else {"productId": product_id}, "queryStringParameters": query}


class PagedQuery:
    """A stand-in for DynamoDB Query that serves the given pages in order and records each call."""

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        index = len(self.calls) - 1
        page: dict[str, Any] = {"Items": self.pages[index] if index < len(self.pages) else []}
        if index < len(self.pages) - 1:
            page["LastEvaluatedKey"] = {"productId": {"S": "trail-shoe"}, "sk": {"S": f"page{index}"}}
        return page


def test_answers_the_price_in_the_requested_currency_with_the_rating_over_every_page_of_reviews() -> None:
    query = PagedQuery([[PRODUCT, review(1, 5), review(2, 4)], [review(3, 2)]])
    response = create_reader(query, CONFIG)(request("/products/{productId}", "trail-shoe", {"currency": "eur"}))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {
        "productId": "trail-shoe",
        "name": "Trail shoe",
        "price": {"currency": "EUR", "amount": "119.00"},
        "rating": {"average": 3.7, "count": 3},
        "generatedAt": "2026-12-05T10:00:00.000Z",
    }
    assert len(query.calls) == 2
    assert query.calls[1]["ExclusiveStartKey"] == {"productId": {"S": "trail-shoe"}, "sk": {"S": "page0"}}


def test_defaults_to_us_dollars_and_tells_clients_to_cache_for_the_stage_ttl() -> None:
    response = create_reader(PagedQuery([[PRODUCT]]), CONFIG)(request("/products/{productId}", "trail-shoe"))
    body = json.loads(response["body"])
    assert body["price"] == {"currency": "USD", "amount": "129.00"}
    assert body["rating"] == {"average": None, "count": 0}
    assert response["headers"]["cache-control"] == "public, max-age=300"


def test_refuses_an_unknown_currency_or_a_malformed_product_id_without_reading_the_table() -> None:
    query = PagedQuery([[PRODUCT]])
    reader = create_reader(query, CONFIG)
    assert reader(request("/products/{productId}", "trail-shoe", {"currency": "BTC"}))["statusCode"] == 400
    assert reader(request("/products/{productId}", "Trail Shoe!"))["statusCode"] == 400
    assert reader(request("/products/{productId}", "x" * 65))["statusCode"] == 400
    assert reader(request("/products/{productId}", None))["statusCode"] == 400
    assert query.calls == []


def test_answers_404_for_a_product_that_does_not_exist() -> None:
    assert create_reader(PagedQuery([[]]), CONFIG)(request("/products/{productId}", "no-such-thing"))["statusCode"] == 404


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails(caplog: pytest.LogCaptureFixture) -> None:
    def failing(**_kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("ProvisionedThroughputExceededException: secret-table-name")

    response = create_reader(failing, CONFIG)(request("/products/{productId}", "trail-shoe"))
    assert response["statusCode"] == 500
    assert "secret-table-name" not in response["body"]
    assert "secret-table-name" in caplog.text
    assert "cache-control" not in response["headers"]


def test_queries_only_the_newest_20_reviews_of_the_product_and_caches_them_for_the_reviews_ttl() -> None:
    query = PagedQuery([[review(3, 2), review(2, 4)]])
    response = create_reader(query, CONFIG)(request("/products/{productId}/reviews", "trail-shoe"))
    assert response["statusCode"] == 200
    assert response["headers"]["cache-control"] == "public, max-age=60"
    assert query.calls == [
        {
            "TableName": "Catalog",
            "KeyConditionExpression": "productId = :id AND begins_with(sk, :review)",
            "ExpressionAttributeValues": {":id": {"S": "trail-shoe"}, ":review": {"S": "REVIEW#"}},
            "ScanIndexForward": False,
            "Limit": 20,
        }
    ]
    assert json.loads(response["body"])["reviews"] == [
        {"reviewId": "r3", "rating": 2, "comment": "review 3", "createdAt": "2026-12-03T00:00:00.000Z"},
        {"reviewId": "r2", "rating": 4, "comment": "review 2", "createdAt": "2026-12-02T00:00:00.000Z"},
    ]
