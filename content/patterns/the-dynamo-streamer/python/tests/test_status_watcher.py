import json
import logging
from typing import Any, Optional

import pytest

import status_watcher
from status_watcher import StatusChange, create_handler, metrics_line, summarise, to_status_change

Item = dict[str, str]


def image(item: Optional[Item]) -> Optional[dict[str, Any]]:
    return {k: {"S": v} for k, v in item.items()} if item is not None else None


def record(
    event_name: str,
    seq: str,
    service: str,
    before: Optional[Item] = None,
    after: Optional[Item] = None,
    principal_id: Optional[str] = None,
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "eventName": event_name,
        "dynamodb": {"Keys": {"service": {"S": service}}, "SequenceNumber": seq, "OldImage": image(before), "NewImage": image(after)},
    }
    if principal_id:
        result["userIdentity"] = {"type": "Service", "principalId": principal_id}
    return result


def batch(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


# toStatusChange


def test_reads_a_new_service_and_its_first_status() -> None:
    change = to_status_change(record("INSERT", "1", "checkout", None, {"service": "checkout", "status": "operational", "message": "live"}))
    assert change == StatusChange("checkout", "created", "1", to_status="operational", note="live")
    assert change.fields() == {"service": "checkout", "kind": "created", "to": "operational", "note": "live", "sequenceNumber": "1"}


def test_uses_both_images_to_say_what_a_status_changed_from() -> None:
    change = to_status_change(
        record("MODIFY", "2", "checkout", {"service": "checkout", "status": "operational"}, {"service": "checkout", "status": "degraded"})
    )
    assert (change.kind, change.from_status, change.to_status) == ("changed", "operational", "degraded")


def test_calls_a_rewrite_with_the_same_status_unchanged() -> None:
    change = to_status_change(
        record("MODIFY", "3", "search", {"service": "search", "status": "outage"}, {"service": "search", "status": "outage", "message": "still down"})
    )
    assert change.kind == "unchanged"


def test_tells_a_ttl_expiry_apart_from_a_delete_by_a_caller() -> None:
    old = {"service": "search", "status": "maintenance"}
    assert to_status_change(record("REMOVE", "4", "search", old, None, "dynamodb.amazonaws.com")).by_ttl is True
    assert to_status_change(record("REMOVE", "5", "search", old)).by_ttl is False
    assert to_status_change(record("REMOVE", "5", "search", old)).from_status == "maintenance"


def test_rejects_records_it_cannot_interpret() -> None:
    with pytest.raises(ValueError, match="no service key"):
        to_status_change(record("INSERT", "6", "", None, {"status": "degraded"}))
    with pytest.raises(ValueError, match="without a status"):
        to_status_change(record("INSERT", "7", "checkout", None, {"service": "checkout"}))
    with pytest.raises(ValueError, match="unknown event"):
        to_status_change(record("TRUNCATE", "8", "checkout"))


# summarise and metricsLine


def test_count_each_kind_including_the_ones_that_did_not_occur() -> None:
    counts = summarise(
        [
            StatusChange("a", "created", "1", to_status="operational"),
            StatusChange("b", "changed", "2", from_status="operational", to_status="outage"),
            StatusChange("a", "changed", "3", from_status="operational", to_status="degraded"),
        ]
    )
    assert counts == {"created": 1, "changed": 2, "unchanged": 0, "removed": 0}


def test_declare_every_counted_value_as_a_metric_in_the_status_board_namespace() -> None:
    line = metrics_line({"created": 1, "changed": 2}, 1_700_000_000_000)
    assert line["_aws"]["Timestamp"] == 1_700_000_000_000
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "StatusBoard"
    assert [m["Name"] for m in line["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == ["created", "changed"]
    assert line["changed"] == 2


# status watcher handler


def test_logs_real_changes_skips_unchanged_rewrites_and_reports_no_failures() -> None:
    lines: list[dict[str, Any]] = []
    handler = create_handler(lines.append, lambda: 42)
    result = handler(
        batch(
            record("INSERT", "10", "checkout", None, {"service": "checkout", "status": "operational"}),
            record("MODIFY", "11", "checkout", {"service": "checkout", "status": "operational"}, {"service": "checkout", "status": "operational"}),
            record("MODIFY", "12", "checkout", {"service": "checkout", "status": "operational"}, {"service": "checkout", "status": "outage"}),
        )
    )
    assert result == {"batchItemFailures": []}
    assert [line["sequenceNumber"] for line in lines if line["message"] == "status change"] == ["10", "12"]
    summary = lines[-1]
    assert summary["message"] == "status batch summary"
    assert [summary["created"], summary["changed"], summary["unchanged"]] == [1, 1, 1]


def test_stops_at_the_first_unreadable_record_and_returns_its_sequence_number() -> None:
    lines: list[dict[str, Any]] = []
    result = create_handler(lines.append)(
        batch(
            record("INSERT", "20", "search", None, {"service": "search", "status": "degraded"}),
            record("INSERT", "21", "broken", None, {"service": "broken"}),
            record("INSERT", "22", "later", None, {"service": "later", "status": "operational"}),
        )
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "21"}]}
    # The record after the failure is left for the retry, so it is not logged twice.
    assert not any(line.get("service") == "later" for line in lines)
    assert any(line.get("level") == "ERROR" for line in lines)
    assert lines[-1]["created"] == 1


def test_emits_nothing_for_an_empty_batch() -> None:
    lines: list[dict[str, Any]] = []
    assert create_handler(lines.append)(batch()) == {"batchItemFailures": []}
    assert lines == []


def test_writes_the_metrics_line_raw_to_stdout_and_the_rest_through_logging(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    status_watcher.handler(batch(record("INSERT", "30", "checkout", None, {"service": "checkout", "status": "operational"})), None)
    # A bare JSON object on its own line, as CloudWatch's embedded metric format requires.
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "StatusBoard"
    (change,) = caplog.records
    assert (change.getMessage(), getattr(change, "service"), getattr(change, "to")) == ("status change", "checkout", "operational")
