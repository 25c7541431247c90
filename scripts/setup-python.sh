#!/usr/bin/env bash
# Creates .venv and installs the pinned Python tools (cfn-lint) into it. Idempotent: it
# reinstalls only when a requirements file changed. The site builds and serves without it;
# `npm test` needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
files=(requirements-tools.txt)
stamp=".venv/.requirements.sha256"
want="$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)"
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "Python tools: .venv is up to date."
  exit 0
fi
"$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
for f in "${files[@]}"; do .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$f"; done
echo "$want" > "$stamp"
echo "Python tools: installed $(.venv/bin/cfn-lint --version) into .venv."
