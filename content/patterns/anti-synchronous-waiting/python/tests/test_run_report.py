from __future__ import annotations

from typing import Any, Optional

import pytest

from anti_synchronous_waiting.report_data import REPORT_SQL
from functions.run_report import run_report, to_records

SETTINGS = {"sql": REPORT_SQL, "work_group": "PollingReportStack-reports", "database": "pollingreportstack_reports", "poll_every_ms": 2000}

ROWS = {
    "Rows": [
        {"Data": [{"VarCharValue": "day"}, {"VarCharValue": "currency"}, {"VarCharValue": "orders"}, {"VarCharValue": "revenue"}]},
        {"Data": [{"VarCharValue": "2026-12-02"}, {"VarCharValue": "EUR"}, {"VarCharValue": "2"}, {"VarCharValue": "55.5"}]},
        {"Data": [{"VarCharValue": "2026-12-01"}, {"VarCharValue": "USD"}, {"VarCharValue": "1"}, {}]},
    ]
}


class FakeAthena:
    """Athena as the handler sees it: the query goes through the given states, one per status call."""

    def __init__(self, states: list[str], reason: Optional[str] = None) -> None:
        self.states = states
        self.reason = reason
        self.started: list[dict[str, Any]] = []
        self.status_calls: list[dict[str, Any]] = []
        self.result_calls: list[dict[str, Any]] = []

    def start_query_execution(self, **kwargs: Any) -> dict[str, Any]:
        self.started.append(kwargs)
        return {"QueryExecutionId": "q-1"}

    def get_query_execution(self, **kwargs: Any) -> dict[str, Any]:
        self.status_calls.append(kwargs)
        state = self.states[min(len(self.status_calls) - 1, len(self.states) - 1)]
        return {"QueryExecution": {"QueryExecutionId": "q-1", "Status": {"State": state, "StateChangeReason": self.reason}}}

    def get_query_results(self, **kwargs: Any) -> dict[str, Any]:
        self.result_calls.append(kwargs)
        return {"ResultSet": ROWS}


def test_starts_the_fixed_report_in_the_workgroup_and_database_it_is_given() -> None:
    athena = FakeAthena(["SUCCEEDED"])
    run_report(athena, SETTINGS, lambda _: None)
    assert athena.started == [
        {"QueryString": REPORT_SQL, "WorkGroup": "PollingReportStack-reports", "QueryExecutionContext": {"Database": "pollingreportstack_reports"}}
    ]


def test_sleeps_and_asks_again_until_the_query_succeeds_then_reads_its_rows() -> None:
    athena = FakeAthena(["QUEUED", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"])
    sleeps: list[float] = []
    report = run_report(athena, SETTINGS, sleeps.append)
    # Five status calls, each after a two-second sleep: ten seconds billed for waiting.
    assert report["polls"] == 5
    assert sleeps == [2.0] * 5
    assert all(call == {"QueryExecutionId": "q-1"} for call in athena.status_calls)
    assert athena.result_calls == [{"QueryExecutionId": "q-1", "MaxResults": 100}]
    assert report["rows"] == [
        {"day": "2026-12-02", "currency": "EUR", "orders": "2", "revenue": "55.5"},
        {"day": "2026-12-01", "currency": "USD", "orders": "1", "revenue": None},
    ]


@pytest.mark.parametrize("state", ["FAILED", "CANCELLED"])
def test_fails_with_the_query_state_and_reason_without_reading_results(state: str) -> None:
    athena = FakeAthena(["RUNNING", state], "Query exhausted resources")
    with pytest.raises(RuntimeError, match=f"Query q-1 {state}: Query exhausted resources"):
        run_report(athena, SETTINGS, lambda _: None)
    assert athena.result_calls == []


def test_turns_the_header_row_into_field_names_and_an_empty_result_into_no_records() -> None:
    assert to_records(ROWS) == [
        {"day": "2026-12-02", "currency": "EUR", "orders": "2", "revenue": "55.5"},
        {"day": "2026-12-01", "currency": "USD", "orders": "1", "revenue": None},
    ]
    assert to_records({"Rows": [ROWS["Rows"][0]]}) == []
    assert to_records(None) == []
