import base64
import json
from typing import Any

import pytest

from functions.speaker import (
    SpeechRequest,
    aws_synthesize,
    aws_translate,
    create_handler,
    escape_xml,
    parse_request,
    speech_input,
)

# A few bytes standing in for MP3 audio; only their round trip through base64 matters here.
MP3 = bytes([0x49, 0x44, 0x33, 0x04, 0x00])


def request(body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"body": json.dumps(body), "isBase64Encoded": False, "headers": headers or {}}


class Fakes:
    def __init__(self, translation: str = "Hola, mundo") -> None:
        self.translation = translation
        self.translations: list[str] = []
        self.inputs: list[dict[str, str]] = []

    def translate(self, text: str, source: str, target: str) -> str:
        self.translations.append(f"{source}->{target}: {text}")
        return self.translation

    def synthesize(self, speech: dict[str, str]) -> bytes:
        self.inputs.append(speech)
        return MP3

    def handler(self) -> Any:
        return create_handler(self.translate, self.synthesize)


# parse_request


def test_defaults_to_english_source_text_and_the_newscaster_style() -> None:
    assert parse_request('{"text":"  Hello  ","targetLanguage":"es"}', False) == SpeechRequest(
        text="Hello", source_language="en", target_language="es", style="newscaster"
    )


def test_reads_a_base64_encoded_body() -> None:
    body = base64.b64encode(b'{"text":"Hi","targetLanguage":"fr"}').decode()
    assert isinstance(parse_request(body, True), SpeechRequest)


def test_lists_every_problem_empty_or_long_text_unknown_languages_unknown_style() -> None:
    parsed = parse_request(json.dumps({"text": "", "sourceLanguage": "auto", "targetLanguage": "xx", "style": "loud"}), False)
    assert isinstance(parsed, list)
    assert len(parsed) == 4
    assert isinstance(parse_request(json.dumps({"text": "a" * 1501, "targetLanguage": "es"}), False), list)
    assert parse_request("nope", False) == ["body must be JSON"]
    assert isinstance(parse_request(json.dumps({"text": "x", "targetLanguage": "__class__"}), False), list)
    assert parse_request("[1]", False) == ["body must be a JSON object"]


# speech_input


def test_wraps_escaped_text_in_the_news_domain_for_voices_that_have_the_newscaster_style() -> None:
    assert speech_input("Tom & Jerry <live>", "es", "newscaster") == (
        {
            "Text": '<speak><amazon:domain name="news">Tom &amp; Jerry &lt;live&gt;</amazon:domain></speak>',
            "TextType": "ssml",
            "VoiceId": "Lupe",
            "Engine": "neural",
        },
        "newscaster",
    )


def test_falls_back_to_plain_text_and_says_so_when_the_voice_has_no_newscaster_style() -> None:
    assert speech_input("Bonjour", "fr", "newscaster") == (
        {"Text": "Bonjour", "TextType": "text", "VoiceId": "Lea", "Engine": "neural"},
        "standard",
    )


def test_escapes_every_xml_special_character() -> None:
    assert escape_xml("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f"


# the handler


def test_translates_synthesises_and_returns_mp3_as_a_base64_body() -> None:
    f = Fakes()
    response = f.handler()(request({"text": "Hello, world", "targetLanguage": "es"}))
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True
    assert response["headers"]["content-type"] == "audio/mpeg"
    assert response["headers"]["x-voice"] == "Lupe"
    assert response["headers"]["x-speech-style"] == "newscaster"
    assert response["headers"]["content-language"] == "es"
    assert base64.b64decode(response["body"]) == MP3
    assert f.translations == ["en->es: Hello, world"]
    assert f.inputs[0]["TextType"] == "ssml"


def test_skips_translate_when_the_text_is_already_in_the_target_language() -> None:
    f = Fakes()
    f.handler()(request({"text": "Good morning", "targetLanguage": "en", "style": "standard"}))
    assert f.translations == []
    assert f.inputs == [{"Text": "Good morning", "TextType": "text", "VoiceId": "Joanna", "Engine": "neural"}]


def test_returns_json_with_the_translation_when_the_caller_accepts_json() -> None:
    f = Fakes("Guten Tag")
    response = f.handler()(request({"text": "Good day", "targetLanguage": "de"}, {"accept": "application/json"}))
    assert response["headers"]["content-type"] == "application/json"
    assert json.loads(response["body"]) == {
        "translatedText": "Guten Tag",
        "voice": "Vicki",
        "style": "standard",
        "audioBase64": base64.b64encode(MP3).decode(),
    }


def test_refuses_a_bad_request_before_calling_either_service() -> None:
    f = Fakes()
    response = f.handler()(request({"text": "Hi", "targetLanguage": "klingon"}))
    assert response["statusCode"] == 400
    assert [f.translations, f.inputs] == [[], []]


def test_refuses_a_translation_too_long_for_polly_without_calling_it() -> None:
    f = Fakes("x" * 3001)
    response = f.handler()(request({"text": "long", "targetLanguage": "ja"}))
    assert response["statusCode"] == 422
    assert f.inputs == []


class ServiceError(Exception):
    """Shaped like botocore's ClientError: the service's error code sits in response["Error"]["Code"]."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code}: internal detail arn:aws:secret")
        self.response = {"Error": {"Code": code, "Message": "internal detail arn:aws:secret"}}


def test_maps_service_errors_fixable_ones_to_422_throttling_to_503_the_rest_to_a_quiet_500(caplog: pytest.LogCaptureFixture) -> None:
    def call(code: str) -> dict[str, Any]:
        def failing(_text: str, _source: str, _target: str) -> str:
            raise ServiceError(code)

        return create_handler(failing, Fakes().synthesize)(request({"text": "Hi", "targetLanguage": "it"}))

    assert call("UnsupportedLanguagePairException")["statusCode"] == 422
    busy = call("TooManyRequestsException")
    assert busy["statusCode"] == 503
    assert busy["headers"]["retry-after"] == "2"
    broken = call("InternalServerException")
    assert broken["statusCode"] == 500
    assert "secret" not in broken["body"]
    assert "InternalServerException" in caplog.text


# AWS adapters


class FakeStream:
    def read(self) -> bytes:
        return MP3


class FakeClients:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def translate_text(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return {"TranslatedText": "Ciao"}

    def synthesize_speech(self, **kwargs: Any) -> dict[str, Any]:
        self.sent.append(kwargs)
        return {"AudioStream": FakeStream()}


def test_ask_translate_for_a_fixed_language_pair_and_polly_for_neural_mp3() -> None:
    clients = FakeClients()
    assert aws_translate(clients)("Hi", "en", "it") == "Ciao"
    speech, _style = speech_input("Ciao", "it", "standard")
    assert aws_synthesize(clients)(speech) == MP3
    assert clients.sent == [
        {"Text": "Hi", "SourceLanguageCode": "en", "TargetLanguageCode": "it"},
        {"Text": "Ciao", "TextType": "text", "VoiceId": "Bianca", "Engine": "neural", "OutputFormat": "mp3"},
    ]
