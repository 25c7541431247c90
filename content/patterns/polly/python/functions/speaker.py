"""Translates text with Amazon Translate and reads it aloud with a neural Amazon Polly voice."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

logger = logging.getLogger()
logger.setLevel(logging.INFO)

# One neural voice per language; `news` marks the voices that have Polly's newscaster style.
VOICES: dict[str, dict[str, Any]] = {
    "en": {"voice": "Joanna", "news": True},
    "es": {"voice": "Lupe", "news": True},
    "fr": {"voice": "Lea", "news": False},
    "de": {"voice": "Vicki", "news": False},
    "it": {"voice": "Bianca", "news": False},
    "pt": {"voice": "Camila", "news": False},
    "ja": {"voice": "Takumi", "news": False},
    "nl": {"voice": "Laura", "news": False},
}

Style = Literal["newscaster", "standard"]

# Keeps each request well inside Polly's 3,000 billed characters, even after translation grows it.
MAX_TEXT_LENGTH = 1500
POLLY_MAX_CHARACTERS = 3000


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    source_language: str
    target_language: str
    style: Style


# The two service calls the handler makes, so tests can stand in for them.
Translate = Callable[[str, str, str], str]
Synthesize = Callable[[dict[str, str]], bytes]

# Service errors the caller can fix by changing the request.
CALLER_ERRORS = {"UnsupportedLanguagePairException", "TextSizeLimitExceededException", "TextLengthExceededException"}
# Service errors that mean "try again later".
BUSY_ERRORS = {"TooManyRequestsException", "ThrottlingException", "LimitExceededException", "ServiceQuotaExceededException"}


def _is_language(value: Any) -> bool:
    return isinstance(value, str) and value in VOICES


def parse_request(body: str | None, is_base64_encoded: bool) -> SpeechRequest | list[str]:
    """The request, or every problem with it."""
    try:
        raw = base64.b64decode(body or "").decode("utf-8") if is_base64_encoded else (body or "")
        data = json.loads(raw)
    except (ValueError, binascii.Error):
        return ["body must be JSON"]
    if not isinstance(data, dict):
        return ["body must be a JSON object"]
    text = data.get("text")
    source_language = data.get("sourceLanguage", "en")
    target_language = data.get("targetLanguage")
    style = data.get("style", "newscaster")
    languages = ", ".join(VOICES)
    errors: list[str] = []
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_LENGTH:
        errors.append(f"text must be 1 to {MAX_TEXT_LENGTH} characters")
    # A fixed source language: "auto" would also need Amazon Comprehend and its permission.
    if not _is_language(source_language):
        errors.append(f"sourceLanguage must be one of {languages}")
    if not _is_language(target_language):
        errors.append(f"targetLanguage must be one of {languages}")
    if style not in ("newscaster", "standard"):
        errors.append("style must be newscaster or standard")
    if errors:
        return errors
    return SpeechRequest(text=text.strip(), source_language=source_language, target_language=target_language, style=style)  # type: ignore[union-attr]


_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def escape_xml(text: str) -> str:
    return "".join(_XML_ESCAPES.get(c, c) for c in text)


def speech_input(text: str, language: str, style: Style) -> tuple[dict[str, str], Style]:
    """Newscaster style needs SSML and a voice that has it; otherwise plain text in the standard style."""
    voice = VOICES[language]
    if style == "newscaster" and voice["news"]:
        ssml = f'<speak><amazon:domain name="news">{escape_xml(text)}</amazon:domain></speak>'
        return {"Text": ssml, "TextType": "ssml", "VoiceId": voice["voice"], "Engine": "neural"}, "newscaster"
    return {"Text": text, "TextType": "text", "VoiceId": voice["voice"], "Engine": "neural"}, "standard"


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"content-type": "application/json", **(headers or {})}, "body": json.dumps(body)}


def error_name(error: Exception) -> str:
    """The service's error code for a botocore ClientError, the class name otherwise."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if isinstance(code, str) and code:
            return code
    return type(error).__name__


def create_handler(translate: Translate, synthesize: Synthesize) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    def handle(event: dict[str, Any], _context: Any = None) -> dict[str, Any]:
        parsed = parse_request(event.get("body"), bool(event.get("isBase64Encoded")))
        if isinstance(parsed, list):
            return _json(400, {"errors": parsed})
        try:
            # Same language in and out: skip the paid translation call.
            if parsed.source_language == parsed.target_language:
                translated = parsed.text
            else:
                translated = translate(parsed.text, parsed.source_language, parsed.target_language)
            if len(translated) > POLLY_MAX_CHARACTERS:
                return _json(422, {"errors": [f"the translation is {len(translated)} characters; Polly takes at most {POLLY_MAX_CHARACTERS}"]})
            request, style = speech_input(translated, parsed.target_language, parsed.style)
            audio = base64.b64encode(synthesize(request)).decode("ascii")
            about = {"x-voice": request["VoiceId"], "x-speech-style": style, "content-language": parsed.target_language}
            if "application/json" in ((event.get("headers") or {}).get("accept") or ""):
                return _json(200, {"translatedText": translated, "voice": request["VoiceId"], "style": style, "audioBase64": audio}, about)
            # isBase64Encoded tells API Gateway to decode the body and send raw MP3 bytes.
            return {"statusCode": 200, "headers": {"content-type": "audio/mpeg", **about}, "body": audio, "isBase64Encoded": True}
        except Exception as error:  # noqa: BLE001 - every failure becomes a mapped answer
            name = error_name(error)
            logger.error(json.dumps({"message": "speech failed", "errorName": name, "error": str(error)}))
            if name in CALLER_ERRORS:
                return _json(422, {"errors": [f"{name}: change the text or the languages"]})
            if name in BUSY_ERRORS:
                return _json(503, {"message": "Translation or speech is busy; try again shortly."}, {"retry-after": "2"})
            return _json(500, {"message": "The speech could not be produced right now."})

    return handle


def aws_translate(client: Any) -> Translate:
    def translate(text: str, source: str, target: str) -> str:
        result = client.translate_text(Text=text, SourceLanguageCode=source, TargetLanguageCode=target)
        translated = result.get("TranslatedText")
        if translated is None:
            raise RuntimeError("Translate returned no text")
        return translated

    return translate


def aws_synthesize(client: Any) -> Synthesize:
    def synthesize(request: dict[str, str]) -> bytes:
        result = client.synthesize_speech(**request, OutputFormat="mp3")
        stream = result.get("AudioStream")
        if stream is None:
            raise RuntimeError("Polly returned no audio")
        return stream.read()

    return synthesize


_handler: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Created once per execution environment, so warm invocations reuse connections.
    global _handler
    if _handler is None:
        import boto3

        _handler = create_handler(aws_translate(boto3.client("translate")), aws_synthesize(boto3.client("polly")))
    return _handler(event, context)
