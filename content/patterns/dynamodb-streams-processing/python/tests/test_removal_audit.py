import json
from typing import Any

import pytest

import removal_audit
from removal_audit import create_handler, to_removal
from tests.records import order, profile, stream_record


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def test_records_what_was_removed_when_and_whether_ttl_or_a_caller_removed_it() -> None:
    placed = order("c-1", "o-1", status="PLACED", total_cents=4200, version=3)
    removal = to_removal(stream_record("1", placed, None))
    assert removal is not None
    assert removal.fields() == {
        "pk": "CUSTOMER#c-1",
        "sk": "ORDER#o-1",
        "entityType": "ORDER",
        "removedBy": "caller",
        "removedAt": "2026-12-05T00:00:00.000Z",
        "item": placed,
        "sequenceNumber": "1",
    }
    ttl = to_removal(stream_record("2", profile("c-1", "Ana"), None, ttl=True))
    assert ttl is not None and ttl.removed_by == "ttl"
    assert to_removal(stream_record("3", None, placed)) is None


def test_logs_one_audit_line_per_removal_and_reports_the_first_unreadable_record() -> None:
    lines: list[dict[str, Any]] = []
    unreadable = stream_record("2", profile("c-1", "Ana"), None)
    del unreadable["dynamodb"]["Keys"]
    result = create_handler(lines.append)(
        batch(stream_record("1", profile("c-2", "Bo"), None), unreadable, stream_record("3", profile("c-3", "Cy"), None))
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "2"}]}
    assert [line["pk"] for line in lines if line["message"] == "item removed"] == ["CUSTOMER#c-2"]
    assert any(line["level"] == "ERROR" for line in lines)


def test_writes_each_audit_line_as_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    placed = order("c-1", "o-1", status="PLACED", total_cents=4200, version=3)
    removal_audit.handler(batch(stream_record("1", placed, None)), None)
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["item"]["totalCents"] == 4200
