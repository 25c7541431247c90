import json
from typing import Any, Optional

from who_am_i import handler


def with_authorizer(authorizer: Optional[dict[str, Any]]) -> dict[str, Any]:
    return {"requestContext": {"authorizer": authorizer}}


def test_answers_with_the_subject_and_scopes_the_authorizer_verified() -> None:
    response = handler(with_authorizer({"principalId": "user-123", "sub": "user-123", "scope": "orders:read profile"}))
    assert response["statusCode"] == 200
    assert response["headers"]["cache-control"] == "no-store"
    body = json.loads(response["body"])
    assert body["subject"] == "user-123"
    assert body["scopes"] == ["orders:read", "profile"]


def test_answers_a_plain_500_when_the_request_reached_it_without_authorizer_context() -> None:
    response = handler(with_authorizer(None))
    assert response["statusCode"] == 500
    assert json.loads(response["body"]) == {"message": "Internal server error"}
