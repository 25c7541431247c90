import json
from typing import Any

import pytest

from projection import SCAN_PAGE_LIMIT
from rebuild import MAX_SEGMENTS, RESERVE_MS, parse_request
from tests.histories import EVENTS, VIEW, account, event, histories, rebuild_for


def test_accepts_only_a_segment_a_segment_count_and_a_cursor_it_issued() -> None:
    assert parse_request(None) == {"segment": 0, "totalSegments": 1, "startKey": None}
    assert parse_request({"segment": 3, "totalSegments": 4, "startKey": {"aggregateId": "o-1", "version": 2}}) == {
        "segment": 3,
        "totalSegments": 4,
        "startKey": {"aggregateId": "o-1", "version": 2},
    }
    bad: list[Any] = [
        {"totalSegments": 0},
        {"totalSegments": MAX_SEGMENTS + 1},
        {"segment": 2, "totalSegments": 2},
        {"segment": -1},
        {"segment": 0.5},
        {"startKey": {"aggregateId": "o-1"}},
        {"startKey": {"aggregateId": "o-1", "version": 1, "extra": 1}},
        {"table": "other-table"},
        ["not", "an", "object"],
    ]
    for payload in bad:
        with pytest.raises(ValueError):
            parse_request(payload)


def test_scans_strongly_consistent_and_stops_before_the_timeout_with_a_cursor_to_resume_from() -> None:
    fake = account(histories(4, 10))
    fake.page_size = 5
    rebuild = rebuild_for(fake)
    clock = [RESERVE_MS + 10_000]

    def remaining() -> int:
        clock[0] -= 10_000
        return clock[0]

    first = rebuild({"totalSegments": 1}, remaining)
    assert first["pages"] == 1
    assert sorted(first["next"]["startKey"]) == ["aggregateId", "version"]
    scan = next(kwargs for name, kwargs in fake.calls if name == "Scan")
    assert (scan["TableName"], scan["Segment"], scan["TotalSegments"], scan["ConsistentRead"]) == (EVENTS, 0, 1, True)
    # A bounded page, so the orders of one page are always advanced inside the time kept in reserve.
    assert scan["Limit"] == SCAN_PAGE_LIMIT <= 500
    report, pages = first, first["pages"]
    while report["next"]:
        report = rebuild(json.loads(json.dumps(report["next"])), lambda: 10 * RESERVE_MS)
        pages += report["pages"]
    assert pages > 2
    assert len(fake.items(VIEW)) == 10


def test_reports_orders_it_could_not_finish_and_carries_on_with_the_rest() -> None:
    fake = account(
        [
            event("o-1", 1, "OrderPlaced", {"customerId": "c-1"}),
            event("o-1", 2, "OrderRefunded"),
            event("o-2", 1, "OrderPlaced", {"customerId": "c-2"}),
        ]
    )
    report = rebuild_for(fake)({}, lambda: 10 * RESERVE_MS)
    assert [(f["orderId"], f.get("stuckAt")) for f in report["failed"]] == [("o-1", 2)]
    assert (report["ordersAdvanced"], report["eventsRead"], report["next"]) == (1, 3, None)
    assert len(fake.items(VIEW)) == 2, "o-1 keeps the events before the bad one"
    again = rebuild_for(fake)({}, lambda: 10 * RESERVE_MS)
    assert (again["ordersAdvanced"], again["ordersUpToDate"], len(again["failed"])) == (0, 1, 1)
