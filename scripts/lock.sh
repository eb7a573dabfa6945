#!/usr/bin/env bash
# Re-resolves requirements/*.in into requirements.lock in a throwaway venv (needs the network).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet "pip==24.3.1"
"$tmp/venv/bin/pip" install --quiet -r requirements/rasa-deps.in -r requirements/project.in \
  -c requirements/constraints.txt
"$tmp/venv/bin/pip" install --quiet --no-deps --ignore-requires-python -r requirements/no-deps.txt
{
  echo "# Fully pinned: every package in .venv. Installed by scripts/setup.sh with"
  echo "#   pip install --no-deps --ignore-requires-python -r requirements.lock"
  echo "# (Rasa and rasa-sdk declare Python <3.11). Regenerate with \`make lock\`."
  "$tmp/venv/bin/pip" freeze --all | grep -v '^pip=='
} > requirements.lock
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
