import json
from datetime import datetime, timezone
from typing import Any

from botocore.exceptions import ClientError

from review_writer import WriterConfig, create_writer, parse_review

CONFIG = WriterConfig(
    table_name="Catalog", reviews_ttl_seconds=60, now=lambda: datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc), new_id=lambda: "r-1"
)


def post(product_id: str, body: Any) -> dict[str, Any]:
    return {"resource": "/products/{productId}/reviews", "pathParameters": {"productId": product_id}, "body": body if isinstance(body, str) else json.dumps(body)}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {}


def test_stores_the_review_only_if_the_product_exists_in_one_transaction() -> None:
    write = Recorder()
    response = create_writer(write, CONFIG)(post("trail-shoe", {"rating": 4, "comment": "  Grippy on wet rock.  "}))
    assert response["statusCode"] == 201
    assert json.loads(response["body"]) == {
        "productId": "trail-shoe",
        "reviewId": "r-1",
        "createdAt": "2026-12-05T10:00:00.000Z",
        "message": "Saved. Cached review lists show it within 60 seconds.",
    }
    assert write.calls == [
        {
            "TransactItems": [
                {
                    "ConditionCheck": {
                        "TableName": "Catalog",
                        "Key": {"productId": {"S": "trail-shoe"}, "sk": {"S": "PRODUCT"}},
                        "ConditionExpression": "attribute_exists(productId)",
                    }
                },
                {
                    "Put": {
                        "TableName": "Catalog",
                        "Item": {
                            "productId": {"S": "trail-shoe"},
                            "sk": {"S": "REVIEW#2026-12-05T10:00:00.000Z#r-1"},
                            "reviewId": {"S": "r-1"},
                            "rating": {"N": "4"},
                            "comment": {"S": "Grippy on wet rock."},
                            "createdAt": {"S": "2026-12-05T10:00:00.000Z"},
                        },
                        "ConditionExpression": "attribute_not_exists(sk)",
                    }
                },
            ]
        }
    ]


def test_answers_404_when_the_product_does_not_exist() -> None:
    def missing(**_kwargs: Any) -> dict[str, Any]:
        raise ClientError(
            {
                "Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                "CancellationReasons": [{"Code": "ConditionalCheckFailed"}, {"Code": "None"}],
            },
            "TransactWriteItems",
        )

    assert create_writer(missing, CONFIG)(post("ghost", {"rating": 3, "comment": "hm"}))["statusCode"] == 404


def test_refuses_bad_ratings_empty_or_overlong_comments_and_bad_json_without_writing() -> None:
    write = Recorder()
    writer = create_writer(write, CONFIG)
    bodies: list[Any] = [
        {"rating": 0, "comment": "x"},
        {"rating": 6, "comment": "x"},
        {"rating": 4.5, "comment": "x"},
        {"rating": "5", "comment": "x"},
        {"rating": True, "comment": "x"},
        {"rating": 5, "comment": "   "},
        {"rating": 5, "comment": "x" * 501},
        "{not json",
        None,
    ]
    for body in bodies:
        assert writer(post("trail-shoe", body))["statusCode"] == 400, body
    assert writer(post("Not Valid", {"rating": 5, "comment": "x"}))["statusCode"] == 400
    assert write.calls == []
    assert parse_review(json.dumps({"rating": 5, "comment": "x" * 500})) == {"rating": 5, "comment": "x" * 500}


def test_answers_500_without_leaking_the_cause_when_dynamodb_fails() -> None:
    def failing(**_kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("AccessDenied on secret-table-name")

    response = create_writer(failing, CONFIG)(post("trail-shoe", {"rating": 5, "comment": "ok"}))
    assert response["statusCode"] == 500
    assert "secret-table-name" not in response["body"]
