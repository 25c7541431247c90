import json
from typing import Any

from functions.greeter import Greeting, greeting_for, handler


def request(name: str | None = None) -> dict[str, Any]:
    return {
        "queryStringParameters": None if name is None else {"name": name},
        "requestContext": {"identity": {"sourceIp": "203.0.113.7"}},
    }


def test_greets_the_world_when_no_name_is_given() -> None:
    assert greeting_for(None) == Greeting(ok=True, message="Hello, world!")
    assert greeting_for("   ") == Greeting(ok=True, message="Hello, world!")


def test_accepts_names_in_any_script_and_tidies_the_spacing() -> None:
    assert greeting_for("  Ada   Lovelace ") == Greeting(ok=True, message="Hello, Ada Lovelace!")
    assert greeting_for("Seán O'Brien-Zoë") == Greeting(ok=True, message="Hello, Seán O'Brien-Zoë!")
    assert greeting_for("Łucja") == Greeting(ok=True, message="Hello, Łucja!")
    assert greeting_for("a" * 40).ok


def test_refuses_markup_digits_and_overlong_names() -> None:
    for bad in ["<script>alert(1)</script>", "R2D2", "a" * 41, "-dash", "Ⅻ", "snake_case"]:
        assert greeting_for(bad).ok is False, bad


def test_answers_200_with_the_greeting_and_the_address_waf_counts() -> None:
    response = handler(request("Grace"))
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"message": "Hello, Grace!", "yourIp": "203.0.113.7"}


def test_answers_400_without_echoing_the_rejected_value() -> None:
    response = handler(request("<img src=x>"))
    assert response["statusCode"] == 400
    assert "img" not in response["body"]
