"""Runs the extract task's own TypeScript functions through tests/extract_probe.mts.

The task is the container's code, shared unchanged with the TypeScript app (see task/). It needs
Node.js and the task's two AWS SDK packages: `npm install` in task/, or a checkout of the whole
catalog, whose node_modules they resolve from. Node.js 22.18 or newer runs the TypeScript directly;
older versions need tsx on the PATH or in a node_modules/.bin above this folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROBE = HERE / "extract_probe.mts"


def _node_strips_types(node: str) -> bool:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip().lstrip("v")
    major, minor = (int(part) for part in version.split(".")[:2])
    return (major, minor) >= (22, 18)


def _command() -> list[str]:
    node = shutil.which("node")
    assert node, "the extract task tests need Node.js, which runs the task's TypeScript"
    if _node_strips_types(node):
        return [node, "--disable-warning=ExperimentalWarning", str(PROBE)]
    for folder in [HERE, *HERE.parents]:
        tsx = folder / "node_modules" / ".bin" / "tsx"
        if tsx.exists():
            return [str(tsx), str(PROBE)]
    tsx_on_path = shutil.which("tsx")
    assert tsx_on_path, f"Node.js {node} cannot run TypeScript by itself; install tsx or use Node.js 22.18 or newer"
    return [tsx_on_path, str(PROBE)]


def run_task_functions(*operations: dict[str, Any]) -> list[Any]:
    """Runs each operation against task/extract.ts in one Node.js process and returns their results."""
    run = subprocess.run(_command(), input=json.dumps(list(operations)), capture_output=True, text=True, cwd=HERE, check=False)
    assert run.returncode == 0, f"the extract probe failed:\n{run.stderr}"
    return json.loads(run.stdout)


def run_task_function(operation: dict[str, Any]) -> Any:
    return run_task_functions(operation)[0]
