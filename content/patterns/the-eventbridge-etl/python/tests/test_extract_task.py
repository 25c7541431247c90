"""The extract task (task/extract.ts, the container's code shared with the TypeScript app), run through Node.js."""

import json
from typing import Any

import pipeline_events as contract
from tests.extract_task import run_task_function, run_task_functions

CONFIG = {"file": {"bucket": "b", "key": "orders.csv"}, "eventBusName": "bus", "maxEventsPerSecond": 20}


def parse(*chunks: str) -> list[list[str]]:
    result = run_task_function({"op": "parse", "chunks": list(chunks)})
    assert "error" not in result, result
    return result["rows"]


def csv(rows: int) -> str:
    return "\n".join(["order_id,amount", *(f"A{i},{i}.00" for i in range(1, rows + 1))])


def extract(chunks: list[str], replies: list[Any] | None = None) -> dict[str, Any]:
    return run_task_function({"op": "extract", "chunks": chunks, "replies": replies or [], "config": CONFIG, "now": 0})


def test_splits_plain_rows_and_ignores_blank_lines_and_a_trailing_newline() -> None:
    assert parse("a,b,c\n1,2,3\n\n4,5,6\n") == [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]]


def test_keeps_commas_doubled_quotes_and_line_breaks_inside_quoted_fields() -> None:
    assert parse('id,note\n1,"Smith, Jane"\n2,"said ""hi"""\n3,"two\nlines"\n') == [
        ["id", "note"],
        ["1", "Smith, Jane"],
        ["2", 'said "hi"'],
        ["3", "two\nlines"],
    ]


def test_handles_crlf_line_endings_a_byte_order_mark_empty_fields_and_a_last_line_without_newline() -> None:
    assert parse('\ufeffa,b\r\n,x\r\n"",y') == [["a", "b"], ["", "x"], ["", "y"]]


def test_gives_the_same_rows_wherever_the_stream_happens_to_be_cut() -> None:
    text = 'id,name,note\r\n1,"Doe, J","a ""quoted"" word"\n2,Ann,"multi\nline"\n'
    whole = parse(text)
    cuts = run_task_functions(*({"op": "parse", "chunks": [text[:i], text[i:]]} for i in range(len(text) + 1)))
    for i, cut in enumerate(cuts):
        assert cut == {"rows": whole}, f"cut at {i}"


def test_refuses_a_file_that_ends_inside_a_quoted_field() -> None:
    assert "inside a quoted field" in run_task_function({"op": "parse", "chunks": ['a\n"open']})["error"]


def test_maps_values_to_header_names_and_publishes_them_as_row_extracted_on_the_given_bus() -> None:
    entry = run_task_function(
        {"op": "rowEntry", "file": {"bucket": "b", "key": "in/orders.csv"}, "eventBusName": "bus", "header": ["order_id", "amount", ""], "values": ["A1", "9.99", "ignored"], "row": 7}
    )
    assert entry["EventBusName"] == "bus"
    assert entry["Source"] == "etl.extract"
    assert entry["DetailType"] == "RowExtracted"
    assert json.loads(entry["Detail"]) == {"bucket": "b", "key": "in/orders.csv", "row": 7, "fields": {"order_id": "A1", "amount": "9.99"}}


def test_fills_a_missing_trailing_value_with_an_empty_string() -> None:
    entry = run_task_function({"op": "rowEntry", "file": {"bucket": "b", "key": "k"}, "eventBusName": "bus", "header": ["a", "b"], "values": ["1"], "row": 1})
    assert json.loads(entry["Detail"])["fields"] == {"a": "1", "b": ""}


def test_uses_the_same_source_and_detail_types_as_the_rules_in_the_stack() -> None:
    names = run_task_function({"op": "constants"})
    assert names == {"EXTRACT_SOURCE": contract.EXTRACT_SOURCE, "ROW_EXTRACTED": contract.ROW_EXTRACTED, "FILE_EXTRACTED": contract.FILE_EXTRACTED}
    assert names["EXTRACT_SOURCE"].startswith(contract.SOURCE_PREFIX)


def test_waits_only_as_long_as_needed_to_stay_under_the_rate() -> None:
    cases = [(20, 0, 20, 1000), (20, 400, 20, 600), (20, 1500, 20, 0), (10, 0, 100, 100)]
    delays = run_task_functions(*({"op": "paceDelay", "sent": s, "elapsedMs": e, "perSecond": r} for s, e, r, _ in cases))
    assert delays == [expected for *_, expected in cases]


def test_sends_rows_in_batches_of_ten_and_paces_the_batches_to_the_configured_rate() -> None:
    text = csv(25)
    result = extract([text[:40], text[40:]])
    assert result["summary"] == {"rows": 25, "published": 25, "failed": 0}
    assert [len(call) for call in result["calls"]] == [10, 10, 5]
    assert [row for call in result["calls"] for row in call] == list(range(1, 26))
    # A frozen clock: 10, 20 and 25 events at 20 per second wait until 0.5 s, 1 s and 1.25 s.
    assert result["sleeps"] == [500, 1000, 1250]


def test_resends_entries_eventbridge_refused_and_counts_those_that_never_got_through() -> None:
    # The first row is refused every time, the others on the first attempt only.
    result = extract([csv(3)], ["refuse", {"refuseRows": [1]}, {"refuseRows": [1]}])
    assert result["calls"] == [[1, 2, 3], [1, 2, 3], [1]]
    assert result["summary"] == {"rows": 3, "published": 2, "failed": 1}
    # Backs off before each resend: 800 ms, then 1600 ms, then the pacing wait.
    assert result["sleeps"][:2] == [800, 1600]


def test_publishes_nothing_for_a_file_with_only_a_header() -> None:
    result = extract(["order_id,amount\n"])
    assert result["calls"] == []
    assert result["summary"] == {"rows": 0, "published": 0, "failed": 0}


def test_keeps_the_rows_published_before_the_failure_and_publishes_nothing_after_it() -> None:
    lines = "\n".join(["order_id,amount", *(f"A{i},1.00" for i in range(1, 36))])
    result = extract([lines], ["ok", "ok", {"throw": "connection reset"}])
    assert result["error"] == "connection reset"
    assert len(result["calls"]) == 3
    published = [row for call in result["calls"][:2] for row in call]
    assert published == list(range(1, 21))


def test_exits_non_zero_on_a_crash_on_rows_that_never_reached_the_bus_and_only_then() -> None:
    crash, refused, clean = run_task_functions(
        {"op": "exitCode", "outcome": {"throw": "S3 stream aborted"}},
        {"op": "exitCode", "outcome": {"failed": 2}},
        {"op": "exitCode", "outcome": {"failed": 0}},
    )
    assert crash == {"code": 1, "errors": ["S3 stream aborted"]}
    assert refused == {"code": 1, "errors": []}
    assert clean == {"code": 0, "errors": []}


def test_reads_the_container_overrides_the_extractor_passes() -> None:
    result = run_task_function({"op": "readConfig", "env": {"SOURCE_BUCKET": "b", "SOURCE_KEY": "k.csv", "EVENT_BUS_NAME": "bus", "MAX_EVENTS_PER_SECOND": "5"}})
    assert result == {"config": {"file": {"bucket": "b", "key": "k.csv"}, "eventBusName": "bus", "maxEventsPerSecond": 5}}


def test_fails_fast_without_a_file_to_read_or_with_a_nonsense_rate() -> None:
    missing, zero = run_task_functions(
        {"op": "readConfig", "env": {"SOURCE_KEY": "k", "EVENT_BUS_NAME": "bus"}},
        {"op": "readConfig", "env": {"SOURCE_BUCKET": "b", "SOURCE_KEY": "k", "EVENT_BUS_NAME": "bus", "MAX_EVENTS_PER_SECOND": "0"}},
    )
    assert "SOURCE_BUCKET" in missing["error"]
    assert "MAX_EVENTS_PER_SECOND" in zero["error"]


def test_the_container_runs_the_task_source_on_node_24_as_a_non_root_user() -> None:
    from pathlib import Path

    task = Path(__file__).resolve().parent.parent / "task"
    dockerfile = (task / "Dockerfile").read_text()
    assert "FROM public.ecr.aws/docker/library/node:24-alpine" in dockerfile
    assert "USER node" in dockerfile
    assert 'ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "extract.ts"]' in dockerfile
    assert set(json.loads((task / "package.json").read_text())["dependencies"]) == {"@aws-sdk/client-eventbridge", "@aws-sdk/client-s3"}
