#!/usr/bin/env bash
# Sets up, trains if needed, starts the action server, then the bot:
#   scripts/run.sh         REST channel and HTTP API on :5005 (chat with curl, see README)
#   scripts/run.sh shell   chat in this terminal
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
scripts/setup.sh
scripts/train.sh

for port in 5055 5005; do
  if curl -s -o /dev/null "http://localhost:$port"; then
    echo "Port $port is already in use (another bot running?): stop it first." >&2
    exit 1
  fi
done

mkdir -p logs
.venv/bin/rasa run actions --port 5055 > logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf http://localhost:5055/health > /dev/null && break
  kill -0 $actions_pid 2>/dev/null || { echo "The action server did not start: see logs/actions.log"; exit 1; }
  sleep 1
done
echo "Action server on http://localhost:5055 (log: logs/actions.log)"

if [ "${1:-rest}" = "shell" ]; then
  .venv/bin/rasa shell --model models/aftercare.tar.gz --endpoints endpoints.yml
else
  cat <<MSG
Starting the bot on http://localhost:5005. Talk to it with:
  curl -s localhost:5005/webhooks/rest/webhook -d '{"sender": "me", "message": "my eye is twitching"}'
MSG
  args=()
  if [ -n "${RASA_API_TOKEN:-}" ]; then args=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
  .venv/bin/rasa run --model models/aftercare.tar.gz --endpoints endpoints.yml --port 5005 "${args[@]}"
fi
