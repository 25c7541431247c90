"""The slice of the Alexa Skills Kit request and response JSON this skill uses, written by hand
(the ASK SDK is not a dependency). Field names follow the ASK request/response reference."""

from __future__ import annotations

from typing import Any

Envelope = dict[str, Any]


def say(text: str, reprompt: str | None = None, card: dict[str, str] | None = None) -> Envelope:
    """Says something. With a reprompt the microphone stays open for an answer; without one the
    session ends after speaking."""
    response: dict[str, Any] = {"outputSpeech": {"type": "PlainText", "text": text}}
    if reprompt:
        response["reprompt"] = {"outputSpeech": {"type": "PlainText", "text": reprompt}}
    if card:
        response["card"] = {"type": "Simple", **card}
    response["shouldEndSession"] = not reprompt
    return {"version": "1.0", "response": response}


def silence() -> Envelope:
    """A SessionEndedRequest must not be answered with speech."""
    return {"version": "1.0", "response": {}}


def resolved_id(slot: dict[str, Any] | None) -> str | None:
    """The canonical id of a custom slot value, when entity resolution matched one."""
    authorities = ((slot or {}).get("resolutions") or {}).get("resolutionsPerAuthority") or []
    match = next((r for r in authorities if (r.get("status") or {}).get("code") == "ER_SUCCESS_MATCH"), None)
    values = (match or {}).get("values") or []
    return values[0]["value"]["id"] if values else None
