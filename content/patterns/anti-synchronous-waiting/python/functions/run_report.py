"""THE ANTI-PATTERN: start the report's Athena query, then sleep and ask again until it is done.

It works, which is why it survives review; the page explains what it costs and what to use instead.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Callable, Optional

_athena: Any = None


def _client() -> Any:
    """One Athena client per execution environment, created on first use."""
    global _athena
    if _athena is None:
        import boto3

        _athena = boto3.client("athena")
    return _athena


def to_records(result_set: Optional[dict[str, Any]]) -> list[dict[str, Optional[str]]]:
    """Athena's first result row holds the column names; every row after it is one record."""
    rows = (result_set or {}).get("Rows", [])
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    names = [cell.get("VarCharValue", f"column{i}") for i, cell in enumerate(header.get("Data", []))]
    records = []
    for row in body:
        data = row.get("Data", [])
        records.append({name: (data[i].get("VarCharValue") if i < len(data) else None) for i, name in enumerate(names)})
    return records


def run_report(athena: Any, settings: dict[str, Any], sleep: Callable[[float], Any]) -> dict[str, Any]:
    started = athena.start_query_execution(
        QueryString=settings["sql"],
        WorkGroup=settings["work_group"],
        QueryExecutionContext={"Database": settings["database"]},
    )
    query_execution_id = started.get("QueryExecutionId")
    if not query_execution_id:
        raise RuntimeError("Athena returned no query execution id")

    # The wait. Every pass through this loop is billed Lambda time in which the function does
    # nothing, and the loop has no way out but the query ending or the function timing out.
    polls = 0
    while True:
        sleep(settings["poll_every_ms"] / 1000)
        polls += 1
        execution = athena.get_query_execution(QueryExecutionId=query_execution_id).get("QueryExecution", {})
        status = execution.get("Status", {})
        state = status.get("State")
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason") or "no reason given"
            raise RuntimeError(f"Query {query_execution_id} {state}: {reason}")

    results = athena.get_query_results(QueryExecutionId=query_execution_id, MaxResults=100)
    return {"queryExecutionId": query_execution_id, "polls": polls, "rows": to_records(results.get("ResultSet"))}


def handler(event: Any, context: Any) -> dict[str, Any]:
    report = run_report(
        _client(),
        {
            "sql": os.environ.get("REPORT_SQL", ""),
            "work_group": os.environ.get("WORK_GROUP", ""),
            "database": os.environ.get("DATABASE", ""),
            "poll_every_ms": int(os.environ.get("POLL_EVERY_MS", "2000")),
        },
        time.sleep,
    )
    print(json.dumps({"message": "report ready", "queryExecutionId": report["queryExecutionId"], "polls": report["polls"], "rows": len(report["rows"])}))
    return report
