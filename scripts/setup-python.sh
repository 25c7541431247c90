#!/usr/bin/env bash
# Creates .venv, one virtual environment for the project's Python tools (cfn-lint) and every
# pattern's Python app, and installs their pinned requirements into it, as npm workspaces
# serve the TypeScript apps. Idempotent: it reinstalls only when a requirements file changed.
# The site builds and serves without it; `npm test` needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
shopt -s nullglob
files=(requirements-tools.txt content/patterns/*/python/requirements.txt content/patterns/*/python/requirements-dev.txt)
stamp=".venv/.requirements.sha256"
want="$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "Python tools: .venv is up to date."
  exit 0
fi
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
# One resolve over every file: the apps pin the same versions, and pip fails loudly if not.
args=()
for f in "${files[@]}"; do args+=(-r "$f"); done
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${args[@]}"
echo "$want" > "$stamp"
echo "Python: installed ${#files[@]} requirements file(s) into .venv ($(.venv/bin/cfn-lint --version))."
