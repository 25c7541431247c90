"""The canary script is JavaScript, whatever language deploys it: these tests run it with node,
through tests/journey_harness.cjs, against a local stand-in for the items API."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parent / "journey_harness.cjs"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="node runs the canary script; CDK for Python needs it too")


def run(scenario: str) -> dict[str, Any]:
    done = subprocess.run([str(NODE), str(HARNESS), scenario], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_creates_reads_back_deletes_and_confirms_the_item_is_gone_in_that_order() -> None:
    result = run("healthy")
    assert result["ok"] is True, result["error"]
    assert [name for name, _passed, _continue in result["steps"]] == ["createItem", "readItem", "deleteItem", "confirmDeleted"]
    item_path = result["calls"][1]["path"]
    assert [(c["method"], c["path"]) for c in result["calls"]] == [("POST", "/items"), ("GET", item_path), ("DELETE", item_path), ("GET", item_path)]
    # Nothing the canary made is left in the table.
    assert result["itemsLeft"] == 0
    assert json.loads(result["calls"][0]["body"])["name"].startswith("canary api-journey-test ")


def test_marks_every_request_with_the_canary_header_and_stops_on_the_first_failed_step() -> None:
    result = run("healthy")
    assert {c["runHeader"] for c in result["calls"]} == {"api-journey-test"}
    assert {c["userAgent"] for c in result["calls"]} == {"CloudWatchSynthetics/arn:aws:synthetics:test"}
    assert {continue_on_failure for _name, _passed, continue_on_failure in result["steps"]} == {False}


def test_fails_the_run_when_the_create_answers_500_and_calls_nothing_else() -> None:
    result = run("create-fails")
    assert result["ok"] is False
    assert "expected HTTP 201, got 500" in result["error"]
    assert len(result["calls"]) == 1


def test_fails_the_run_when_the_create_answers_201_without_the_item_it_was_sent() -> None:
    result = run("create-wrong-item")
    assert result["ok"] is False
    assert "the created item is named" in result["error"]


def test_still_deletes_the_item_when_the_read_back_is_wrong_and_reports_the_read_failure() -> None:
    result = run("read-wrong-item")
    assert result["ok"] is False
    assert "not the item just created" in result["error"]
    assert [(name, passed) for name, passed, _continue in result["steps"]] == [
        ("createItem", True),
        ("readItem", False),
        ("deleteItem", True),
        ("confirmDeleted", True),
    ]
    assert result["itemsLeft"] == 0


def test_fails_the_run_when_the_item_is_still_there_after_the_delete() -> None:
    result = run("delete-ignored")
    assert result["ok"] is False
    assert "expected HTTP 404, got 200" in result["error"]


def test_loads_the_runtime_modules_by_their_new_names_on_later_runtimes() -> None:
    # syn-nodejs-puppeteer-13.1 and later name the modules @aws/synthetics-*; the legacy names are absent here.
    result = run("new-namespace")
    assert result["ok"] is True, result["error"]
    assert [name for name, _passed, _continue in result["steps"]] == ["createItem", "readItem", "deleteItem", "confirmDeleted"]
    assert {c["runHeader"] for c in result["calls"]} == {"api-journey-test"}


def test_refuses_to_run_without_an_api_url() -> None:
    result = run("no-api-url")
    assert result["ok"] is False
    assert "API_URL is not set" in result["error"]
    assert result["calls"] == []


def test_ships_the_same_canary_script_as_the_typescript_app() -> None:
    python_copy = Path(__file__).resolve().parent.parent / "canary" / "api-journey.js"
    typescript_copy = Path(__file__).resolve().parents[2] / "typescript" / "canary" / "api-journey.js"
    if not typescript_copy.exists():
        pytest.skip("the TypeScript app is not next to this one")
    assert python_copy.read_text() == typescript_copy.read_text()
