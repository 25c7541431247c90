#!/usr/bin/env python3
"""Builds the React app in site/ into site-dist/: index.html plus content-hashed JS and CSS.

cdk.json runs this before every synth. The bundling itself is esbuild's (a Node tool, installed by
`npm install --prefix site`); this script drives it and writes index.html.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SITE_DIR = ROOT / "site"
DIST_DIR = ROOT / "site-dist"
MARKER = "<!-- assets -->"


@dataclass(frozen=True)
class SiteBuild:
    out_dir: Path
    script: str
    style: str | None
    # Every written file, relative to out_dir, with forward slashes.
    files: list[str] = field(default_factory=list)


def inject_assets(template: str, script: str, style: str | None = None) -> str:
    """Puts the hashed file names into the HTML template. Absolute paths, so deep links like /about/x still load them."""
    if MARKER not in template:
        raise ValueError(f"index.html has no {MARKER} marker to replace")
    tags = ([f'<link rel="stylesheet" href="/{style}">'] if style else []) + [f'<script type="module" src="/{script}"></script>']
    return template.replace(MARKER, "\n    ".join(tags), 1)


def find_esbuild(start: Path) -> str:
    """esbuild from site/node_modules, or from any node_modules further up (a workspace install)."""
    for folder in (start, *start.parents):
        candidate = folder / "node_modules" / ".bin" / "esbuild"
        if candidate.exists():
            return str(candidate)
    raise FileNotFoundError(f"esbuild is not installed; run `npm install --prefix {start}`")


def build_site(site_dir: Path = SITE_DIR, out_dir: Path = DIST_DIR) -> SiteBuild:
    # Start empty so an old bundle can never be deployed by accident.
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as work:
        metafile = Path(work) / "meta.json"
        subprocess.run(
            [
                find_esbuild(site_dir),
                str(site_dir / "src" / "main.tsx"),
                f"--outdir={out_dir}",
                # The hash changes whenever the content does, which is what lets CloudFront and browsers cache for a year.
                "--entry-names=assets/[name]-[hash]",
                "--bundle",
                "--format=esm",
                "--platform=browser",
                "--target=es2022",
                "--jsx=automatic",
                "--minify",
                "--legal-comments=none",
                # Generated code: keep repository-wide linters out of it.
                "--banner:js=/* Built by build_site.py. */\n/* eslint-disable */",
                '--define:process.env.NODE_ENV="production"',
                f"--metafile={metafile}",
                "--log-level=warning",
            ],
            check=True,
            cwd=site_dir,
        )
        outputs = json.loads(metafile.read_text())["outputs"]
    # esbuild names outputs relative to its working directory.
    files = [(site_dir / f).resolve().relative_to(out_dir.resolve()).as_posix() for f in outputs]
    script = next((f for f in files if f.endswith(".js")), None)
    style = next((f for f in files if f.endswith(".css")), None)
    if script is None:
        raise RuntimeError("esbuild produced no JavaScript bundle")
    template = (site_dir / "index.html").read_text(encoding="utf-8")
    (out_dir / "index.html").write_text(inject_assets(template, script, style), encoding="utf-8")
    return SiteBuild(out_dir=out_dir, script=script, style=style, files=sorted([*files, "index.html"]))


if __name__ == "__main__":
    built = build_site()
    # stderr, so the message never mixes with a template printed by `cdk synth`.
    print(f"Built {', '.join(built.files)} into {built.out_dir.relative_to(Path.cwd()) if built.out_dir.is_relative_to(Path.cwd()) else built.out_dir}/", file=sys.stderr)
