"""A pytest plugin that writes one JSON line per test: its file, name and outcome.

The guarantee check reads these, as it reads the node:test reporter's, to prove that each
promised test exists and passed. Loaded with `-p results_plugin`; the file comes from the
RESULTS_FILE environment variable.
"""

import json
import os

_results: list[dict[str, str]] = []


def pytest_runtest_logreport(report):  # noqa: ANN001 - pytest's hook signature
    # One line per test: the call phase, or the setup phase when setup failed or skipped it.
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        status = {"passed": "passed", "failed": "failed", "skipped": "skipped"}[report.outcome]
        name = report.nodeid.split("::")[-1].split("[")[0]
        _results.append({"file": os.path.abspath(report.fspath), "name": name, "status": status})


def pytest_sessionfinish(session, exitstatus):  # noqa: ANN001, ARG001
    target = os.environ.get("RESULTS_FILE")
    if target:
        with open(target, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r) + "\n" for r in _results)
