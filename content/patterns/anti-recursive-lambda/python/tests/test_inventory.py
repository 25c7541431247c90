from typing import Any

import pytest

from functions.count_page import create_handler
from functions.inventory import PAGE_SIZE, Page, count_page, parse_state, s3_list_page


def fake_listing(pages: int, per_page: int = 3) -> tuple[Any, list[str | None]]:
    """A listing of `pages` pages of `per_page` objects of 10 bytes each, with cursors "c1", "c2"..."""
    calls: list[str | None] = []

    def list_page(_prefix: str, cursor: str | None) -> Page:
        calls.append(cursor)
        index = 0 if cursor is None else int(cursor[1:])
        return {"objects": per_page, "bytes": per_page * 10, "next": f"c{index + 1}" if index + 1 < pages else None}

    return list_page, calls


def test_counts_one_page_adds_it_to_the_totals_and_returns_the_next_cursor() -> None:
    list_page, calls = fake_listing(3)
    after = create_handler(list_page)({"prefix": "logs/", "cursor": "c1", "totals": {"objects": 3, "bytes": 30, "pages": 1}})
    assert calls == ["c1"]
    assert after == {"prefix": "logs/", "cursor": "c2", "totals": {"objects": 6, "bytes": 60, "pages": 2}}


def test_returns_no_cursor_on_the_last_page_so_the_workflow_stops() -> None:
    list_page, _ = fake_listing(1)
    after = create_handler(list_page)({"prefix": ""})
    assert after == {"prefix": "", "totals": {"objects": 3, "bytes": 30, "pages": 1}}


def test_makes_exactly_one_listing_call_per_invocation() -> None:
    list_page, calls = fake_listing(500)
    create_handler(list_page)({"prefix": "big/"})
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "prefix"),
        ({"prefix": "x" * 1025}, "prefix"),
        ({"prefix": "", "totals": {"objects": -1, "bytes": 0, "pages": 0}}, "totals.objects"),
        ({"prefix": "", "cursor": 7}, "cursor"),
    ],
)
def test_rejects_bad_input_before_listing_anything(event: dict[str, Any], message: str) -> None:
    list_page, calls = fake_listing(2)
    with pytest.raises(ValueError, match=message):
        create_handler(list_page)(event)
    assert calls == []


class FakeS3:
    def __init__(self, response: dict[str, Any]) -> None:
        self.response = response
        self.calls: list[dict[str, Any]] = []

    def list_objects_v2(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return self.response


def test_asks_s3_for_one_page_of_at_most_1000_keys_from_the_cursor_and_sums_the_sizes() -> None:
    client = FakeS3({"Contents": [{"Size": 5}, {"Size": 7}, {}], "IsTruncated": True, "NextContinuationToken": "next-token"})
    page = s3_list_page(client, "archive-bucket")("logs/", "token-1")
    assert client.calls == [{"Bucket": "archive-bucket", "Prefix": "logs/", "ContinuationToken": "token-1", "MaxKeys": PAGE_SIZE}]
    assert page == {"objects": 3, "bytes": 12, "next": "next-token"}


def test_ends_the_listing_when_s3_says_the_page_is_not_truncated() -> None:
    client = FakeS3({"IsTruncated": False, "NextContinuationToken": "stale"})
    assert s3_list_page(client, "b")("", None) == {"objects": 0, "bytes": 0, "next": None}
    assert "ContinuationToken" not in client.calls[0]


def test_starts_the_totals_at_zero_and_keeps_the_prefix() -> None:
    assert parse_state({"prefix": "a/"}) == {"prefix": "a/", "totals": {"objects": 0, "bytes": 0, "pages": 0}}
    list_page, _ = fake_listing(2)
    assert count_page(list_page, parse_state({"prefix": "a/"})) == {"prefix": "a/", "cursor": "c1", "totals": {"objects": 3, "bytes": 30, "pages": 1}}
