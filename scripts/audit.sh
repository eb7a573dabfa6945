#!/usr/bin/env bash
# pip-audit over requirements.lock, judged by tools/audit_report.py against the findings the
# project accepts (requirements/audit-accepted.yml). pip-audit runs in its own venv
# (.venv-audit, from requirements/audit.lock): its requirements clash with Rasa's pins.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
venv=.venv-audit
if ! cmp -s requirements/audit.lock "$venv/.installed-lock" 2>/dev/null; then
  "$PYTHON" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --no-deps -r requirements/audit.lock
  cp requirements/audit.lock "$venv/.installed-lock"
fi
mkdir -p results
rm -f results/audit.json
# --no-deps --disable-pip: the lock already pins every package; nothing is resolved again.
# pip-audit exits 1 on any finding; the report below decides what that means.
"$venv/bin/pip-audit" --requirement requirements.lock --no-deps --disable-pip \
  --vulnerability-service pypi --progress-spinner off --format json \
  --output results/audit.json 2> results/audit.log || true
.venv/bin/python -m tools.audit_report results/audit.json requirements/audit-accepted.yml
