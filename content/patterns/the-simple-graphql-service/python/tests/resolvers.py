"""Runs the APPSYNC_JS resolvers in Node (they are JavaScript whatever language the CDK app is in)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

RUNTIME = Path(__file__).resolve().parent / "appsync_runtime.mjs"


class AppSyncError(Exception):
    """What util.error raises; AppSync turns it into a GraphQL error with this message and type."""

    def __init__(self, message: str, type_: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.type = type_


class Resolver:
    def __init__(self, name: str) -> None:
        self.name = name

    def _run(self, function: str, ctx: dict[str, Any]) -> Any:
        node = shutil.which("node")
        assert node, "the resolver tests need Node.js, which runs the APPSYNC_JS code"
        run = subprocess.run(
            [node, str(RUNTIME)],
            input=json.dumps({"resolver": self.name, "function": function, "ctx": ctx}),
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        answer = json.loads(run.stdout)
        if "error" in answer:
            raise AppSyncError(answer["error"]["message"], answer["error"]["type"])
        return answer["result"]

    def request(self, ctx: dict[str, Any]) -> Any:
        return self._run("request", ctx)

    def response(self, ctx: dict[str, Any]) -> Any:
        return self._run("response", ctx)
