import json
import logging
from typing import Any

import pytest

import on_failure
import on_success
from processor import InvalidMessage, RequestedFailure, process_message, read_message
from processor import handler as processor
from results import FAILURE_DETAIL_TYPE, SUCCESS_DETAIL_TYPE, UnexpectedRecord, create_handler, summarise_failure, summarise_success


def sns_event(*messages: str) -> dict[str, Any]:
    return {"Records": [{"Sns": {"MessageId": f"sns-{i}", "Message": m}} for i, m in enumerate(messages)]}


def result_event(detail_type: str, **detail: Any) -> dict[str, Any]:
    return {
        "source": "lambda",
        "detail-type": detail_type,
        "detail": {
            "requestContext": {
                "requestId": "req-1",
                "functionArn": "arn:aws:lambda:eu-west-1:111122223333:function:p:$LATEST",
                "condition": "Success",
                "approximateInvokeCount": 1,
            },
            "requestPayload": {"Records": [{"Sns": {"MessageId": "sns-0", "Message": '{"message":"hello"}'}}]},
            "responseContext": {"statusCode": 200},
            "responsePayload": None,
            **detail,
        },
    }


# processor


def test_counts_the_words_and_characters_of_a_valid_message() -> None:
    assert process_message("sns-1", json.dumps({"message": "hello  destined world"})) == {
        "snsMessageId": "sns-1",
        "message": "hello  destined world",
        "words": 3,
        "characters": 21,
    }


@pytest.mark.parametrize("message", ["fail", "please FAIL now", "this will fail."])
def test_fails_on_purpose_when_the_message_contains_the_word_fail_in_any_case_or_punctuation(message: str) -> None:
    with pytest.raises(RequestedFailure):
        process_message("m", json.dumps({"message": message}))
    # Only the whole word counts.
    assert process_message("m", json.dumps({"message": "failover is fine"}))["words"] == 3


@pytest.mark.parametrize("body", ["not json", "{}", '{"message": ""}', '{"message": "   "}', '{"message": 42}', json.dumps({"message": "x" * 257}), "null"])
def test_rejects_messages_the_api_model_would_have_refused(body: str) -> None:
    with pytest.raises(InvalidMessage):
        read_message(body)


def test_returns_the_result_for_the_one_sns_record_it_is_invoked_with_and_raises_otherwise() -> None:
    assert processor(sns_event('{"message":"two words"}'), None)["words"] == 2
    with pytest.raises(RequestedFailure):
        processor(sns_event('{"message":"fail"}'), None)
    with pytest.raises(InvalidMessage):
        processor(sns_event(), None)


def test_names_its_errors_so_failure_records_say_what_went_wrong() -> None:
    # Lambda reports the exception's class name as errorType in the failure record.
    with pytest.raises(Exception) as requested:
        processor(sns_event('{"message":"fail"}'), None)
    assert type(requested.value).__name__ == "RequestedFailure"
    with pytest.raises(Exception) as invalid:
        processor(sns_event("oops"), None)
    assert type(invalid.value).__name__ == "InvalidMessage"


# record handlers


def test_summarise_a_success_record_with_the_result_and_the_original_sns_message_id() -> None:
    result = {"snsMessageId": "sns-0", "message": "hello", "words": 1, "characters": 5}
    assert summarise_success(result_event(SUCCESS_DETAIL_TYPE, responsePayload=result)) == {
        "level": "INFO",
        "message": "message processed",
        "requestId": "req-1",
        "attempts": 1,
        "snsMessageId": "sns-0",
        "originalMessage": '{"message":"hello"}',
        "result": result,
    }


def test_summarise_a_failure_record_with_the_condition_the_error_and_the_input_that_caused_it() -> None:
    event = result_event(
        FAILURE_DETAIL_TYPE,
        requestContext={"requestId": "req-2", "functionArn": "arn", "condition": "RetriesExhausted", "approximateInvokeCount": 2},
        responseContext={"statusCode": 200, "functionError": "Unhandled"},
        responsePayload={"errorType": "RequestedFailure", "errorMessage": 'the message asked to fail: "fail"', "stackTrace": []},
        requestPayload={"Records": [{"Sns": {"MessageId": "sns-9", "Message": '{"message":"fail"}'}}]},
    )
    assert summarise_failure(event) == {
        "level": "WARN",
        "message": "message failed",
        "requestId": "req-2",
        "condition": "RetriesExhausted",
        "attempts": 2,
        "errorType": "RequestedFailure",
        "errorMessage": 'the message asked to fail: "fail"',
        "snsMessageId": "sns-9",
        "originalMessage": '{"message":"fail"}',
    }


def test_refuse_a_record_of_the_other_kind_or_from_another_source_so_a_wrong_rule_shows_up_as_an_error() -> None:
    with pytest.raises(UnexpectedRecord):
        summarise_success(result_event(FAILURE_DETAIL_TYPE))
    with pytest.raises(UnexpectedRecord):
        summarise_failure(result_event(SUCCESS_DETAIL_TYPE))
    with pytest.raises(UnexpectedRecord):
        summarise_success({**result_event(SUCCESS_DETAIL_TYPE), "source": "custom.app"})
    with pytest.raises(UnexpectedRecord):
        summarise_failure({**result_event(FAILURE_DETAIL_TYPE), "detail": {}})
    # The deployed handlers raise too, so Lambda counts an error and retries, then parks the record.
    with pytest.raises(UnexpectedRecord):
        on_success.handler(result_event(FAILURE_DETAIL_TYPE), None)
    with pytest.raises(UnexpectedRecord):
        on_failure.handler(result_event(SUCCESS_DETAIL_TYPE), None)


def test_write_exactly_one_line_per_record(caplog: pytest.LogCaptureFixture) -> None:
    lines: list[dict[str, Any]] = []
    create_handler(summarise_success, lines.append)(result_event(SUCCESS_DETAIL_TYPE), None)
    assert len(lines) == 1
    caplog.set_level(logging.INFO)
    on_failure.handler(
        result_event(
            FAILURE_DETAIL_TYPE,
            requestContext={"requestId": "req-3", "functionArn": "arn", "condition": "EventAgeExceeded", "approximateInvokeCount": 0},
        ),
        None,
    )
    (line,) = caplog.records
    assert (line.levelno, line.getMessage()) == (logging.WARNING, "message failed")
    assert (getattr(line, "condition"), getattr(line, "recordRequestId"), getattr(line, "originalMessage")) == (
        "EventAgeExceeded",
        "req-3",
        '{"message":"hello"}',
    )
