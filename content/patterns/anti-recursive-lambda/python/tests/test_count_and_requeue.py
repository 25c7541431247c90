import json
from typing import Any

import pytest

from functions.count_and_requeue import create_handler, sqs_send_next
from functions.inventory import Page


def listing(pages: int) -> Any:
    def list_page(_prefix: str, cursor: str | None) -> Page:
        index = 0 if cursor is None else int(cursor[1:])
        return {"objects": 2, "bytes": 20, "next": f"c{index + 1}" if index + 1 < pages else None}

    return list_page


def event(*bodies: Any) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m{i}", "body": json.dumps(b)} for i, b in enumerate(bodies)]}


def test_sends_the_next_page_back_to_the_queue_that_invoked_it() -> None:
    sent: list[dict[str, Any]] = []
    create_handler(listing(3), sent.append)(event({"prefix": "logs/"}))
    assert sent == [{"prefix": "logs/", "cursor": "c1", "totals": {"objects": 2, "bytes": 20, "pages": 1}}]


def test_keeps_re_invoking_itself_one_hop_per_page_until_the_listing_ends() -> None:
    # Plays the queue: every message the handler sends is delivered to it again.
    queue: list[dict[str, Any]] = []
    handler = create_handler(listing(40), queue.append)
    hops = 1
    handler(event({"prefix": ""}))
    while queue:
        hops += 1
        handler(event(queue.pop(0)))
    # 40 invocations for 40 pages: far past the ~16 hops after which Lambda would stop a detected loop.
    assert hops == 40


def test_forks_into_a_second_chain_when_a_message_is_delivered_twice() -> None:
    sent: list[dict[str, Any]] = []
    handler = create_handler(listing(5), sent.append)
    message = {"prefix": "", "cursor": "c1", "totals": {"objects": 2, "bytes": 20, "pages": 1}}
    # SQS delivers at least once: a timeout after the send, or a redrive, hands the same page over again.
    handler(event(message))
    handler(event(message))
    assert len(sent) == 2
    assert sent[0] == sent[1]


def test_logs_the_totals_and_sends_nothing_on_the_last_page(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[dict[str, Any]] = []
    with caplog.at_level("INFO"):
        create_handler(listing(1), sent.append)(event({"prefix": "a/"}))
    assert sent == []
    assert json.loads(caplog.records[-1].getMessage()) == {"level": "INFO", "message": "inventory finished", "prefix": "a/", "objects": 2, "bytes": 20, "pages": 1}


class FakeSQS:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def send_message(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"MessageId": "1"}


def test_sqs_send_next_writes_the_state_to_the_configured_queue_url() -> None:
    client = FakeSQS()
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/Pages"
    sqs_send_next(client, url)({"prefix": "", "cursor": "c1", "totals": {"objects": 1, "bytes": 1, "pages": 1}})
    assert client.calls == [{"QueueUrl": url, "MessageBody": '{"prefix":"","cursor":"c1","totals":{"objects":1,"bytes":1,"pages":1}}'}]
