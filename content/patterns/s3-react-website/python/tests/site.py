"""Calls the React site's own code (TypeScript, run by Node) from the Python tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from build_site import SITE_DIR, find_esbuild

PROBE = Path(__file__).resolve().parent / "site_probe.tsx"


class Site:
    """The probe is bundled once (React included) and then run once per batch of calls."""

    def __init__(self) -> None:
        self._work = tempfile.mkdtemp(prefix="react-probe-")
        self._bundle = Path(self._work) / "probe.cjs"
        subprocess.run(
            [
                find_esbuild(SITE_DIR),
                str(PROBE),
                f"--outfile={self._bundle}",
                "--bundle",
                # CommonJS, because react-dom/server requires Node built-ins at run time.
                "--format=cjs",
                "--platform=node",
                "--jsx=automatic",
                '--define:process.env.NODE_ENV="production"',
                "--log-level=warning",
            ],
            check=True,
            cwd=SITE_DIR,
        )

    def call_all(self, calls: list[dict[str, Any]]) -> list[Any]:
        node = shutil.which("node")
        assert node, "the site tests need Node.js, which runs the site's TypeScript"
        run = subprocess.run([node, str(self._bundle)], input=json.dumps(calls), capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    def call(self, fn: str, **args: Any) -> Any:
        return self.call_all([{"fn": fn, **args}])[0]

    def close(self) -> None:
        shutil.rmtree(self._work, ignore_errors=True)
