"""Calls the Angular site's own code (TypeScript, run by Node) from the Python tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from build_site import SITE_DIR, find_esbuild

PROBE = Path(__file__).resolve().parent / "site_probe.ts"


class Site:
    """The probe is bundled once (Angular and its JIT compiler included) and then run once per batch of calls."""

    def __init__(self) -> None:
        self._work = tempfile.mkdtemp(prefix="angular-probe-")
        self._bundle = Path(self._work) / "probe.mjs"
        subprocess.run(
            [
                find_esbuild(SITE_DIR),
                str(PROBE),
                f"--outfile={self._bundle}",
                "--bundle",
                # Angular ships ES modules only.
                "--format=esm",
                "--platform=node",
                "--target=es2022",
                # The site's decorators are the legacy TypeScript kind, as in build_site.py. ngDevMode stays on here,
                # so Angular's development checks run during the tests.
                f"--tsconfig={SITE_DIR / 'tsconfig.json'}",
                "--log-level=warning",
            ],
            check=True,
            cwd=SITE_DIR,
            # This file lives outside site/, so its own imports of Angular would not find site/node_modules
            # in a standalone copy of this folder; NODE_PATH tells esbuild to look there too.
            env={**os.environ, "NODE_PATH": os.pathsep.join(filter(None, [str(SITE_DIR / "node_modules"), os.environ.get("NODE_PATH")]))},
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
