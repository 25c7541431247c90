import json
from typing import Any

from functions.greeter import GREETING, create_handler


def request(method: str) -> dict[str, Any]:
    return {"rawPath": "/", "requestContext": {"http": {"method": method}}}


def test_greets_with_the_version_that_served_the_request() -> None:
    response = create_handler("7")(request("GET"), None)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    assert json.loads(response["body"]) == {"message": f"{GREETING} from version 7.", "version": "7"}


def test_refuses_other_methods_with_405_and_an_allow_header() -> None:
    response = create_handler("7")(request("POST"), None)
    assert response["statusCode"] == 405
    assert response["headers"]["allow"] == "GET"
