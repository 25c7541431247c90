import json
from typing import Any

from observer import create_handler, describe_event


def event(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {"id": "e-1", "source": "etl.transform", "detail-type": detail_type, "time": "2026-11-22T10:00:00Z", "detail": detail}


def test_puts_the_file_and_row_in_front_of_the_full_event() -> None:
    line = describe_event(event("RowRejected", {"bucket": "landing", "key": "orders.csv", "row": 3, "errors": ["x"]}))
    assert line["file"] == "s3://landing/orders.csv"
    assert line["row"] == 3
    assert line["detailType"] == "RowRejected"
    assert line["source"] == "etl.transform"
    assert line["detail"] == {"bucket": "landing", "key": "orders.csv", "row": 3, "errors": ["x"]}
    assert list(line)[:3] == ["message", "file", "row"]


def test_copes_with_events_that_are_not_about_a_single_row() -> None:
    line = describe_event(event("FileExtracted", {"bucket": "landing", "key": "orders.csv", "rows": 10}))
    assert "row" not in line
    assert line["file"] == "s3://landing/orders.csv"


def test_writes_exactly_one_json_line_per_event() -> None:
    lines: list[str] = []
    create_handler(lines.append)(event("RowTransformed", {"bucket": "b", "key": "k", "row": 1}))
    assert len(lines) == 1
    assert json.loads(lines[0])["eventId"] == "e-1"
