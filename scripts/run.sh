#!/usr/bin/env bash
# Sets up, trains if needed, starts the action server, then the bot:
#   scripts/run.sh         the clinic page with the chat widget on :8080 (WEB_PORT), the bot's
#                          socket.io and REST channels on :5005 (RASA_PORT; HTTP API with
#                          RASA_API_TOKEN), and the staff view of referrals on :8081
#                          (STAFF_PORT; staff accounts: python -m handover user add)
#   scripts/run.sh shell   chat in this terminal
# The action server listens on :5055 (ACTIONS_PORT). Logs go to logs/ (AFTERCARE_LOG_DIR).
# A second copy on the same machine needs its own ports, and its own AFTERCARE_DATABASE_URL
# and AFTERCARE_LOG_DIR (docs/operations.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false

# A setting that cannot work stops here, in one line, before anything starts.
for setting in RASA_PORT ACTIONS_PORT WEB_PORT STAFF_PORT; do
  value=${!setting:-}
  if [ -n "$value" ] && ! { [[ $value =~ ^[0-9]{1,5}$ ]] && ((10#$value >= 1 && 10#$value <= 65535)); }; then
    echo "scripts/run.sh: $setting must be a port, 1 to 65535, not '$value'" >&2
    exit 1
  fi
done
# The staff view's session key, when given, as handover/auth.py reads it: 32 bytes in base64.
if [ -n "${STAFF_SESSION_KEY:-}" ] &&
  [ "$(printf %s "$STAFF_SESSION_KEY" | tr -- '-_' '+/' | base64 -d 2>/dev/null | wc -c)" -ne 32 ]; then
  echo "scripts/run.sh: STAFF_SESSION_KEY must be 32 bytes in base64 (make one with \`openssl rand -base64 32\`)" >&2
  exit 1
fi
if [ -n "${STAFF_PASSWORD:-}" ]; then
  echo "scripts/run.sh: STAFF_PASSWORD is not used any more: each staff member signs in with an account of their own (python -m handover user add NAME --role lead)" >&2
fi

scripts/setup.sh
# Notifications to the nurse on duty (clinic.yml notify:, NOTIFY_*): a bad setting stops here.
.venv/bin/python -m handover.notify || exit 1
scripts/train.sh

rasa_port=${RASA_PORT:-5005}
actions_port=${ACTIONS_PORT:-5055}
web_port=${WEB_PORT:-8080}
staff_port=${STAFF_PORT:-8081}
logs=${AFTERCARE_LOG_DIR:-logs}
# endpoints.yml reads the action server's URL from here (Rasa's ${...} substitution).
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://localhost:$actions_port/webhook}
for port in "$actions_port" "$rasa_port" "$web_port" "$staff_port"; do
  if curl -s -o /dev/null "http://localhost:$port"; then
    echo "Port $port is already in use (another bot running?): stop it first." >&2
    exit 1
  fi
done

mkdir -p "$logs"
# The action server answers the Rasa server only: on this machine's loopback unless told.
SANIC_HOST=${ACTIONS_HOST:-127.0.0.1} .venv/bin/rasa run actions --port "$actions_port" \
  > "$logs/actions.log" 2>&1 &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://localhost:$actions_port/health" > /dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "The action server did not start: see $logs/actions.log"; exit 1; }
  sleep 1
done
echo "Action server on http://${ACTIONS_HOST:-127.0.0.1}:$actions_port (log: $logs/actions.log)"

# Rasa's own command line, with the speed-ups installed first (speedups/__init__.py says which;
# AFTERCARE_SPEEDUPS=off runs Rasa's own code).
rasa=(.venv/bin/python -m speedups)
if [ "${1:-rest}" = "shell" ]; then
  "${rasa[@]}" shell --model models/aftercare.tar.gz --endpoints endpoints.yml --port "$rasa_port"
else
  .venv/bin/python -m web.server --port "$web_port" --bot-url "${BOT_URL:-http://localhost:$rasa_port}" \
    > "$logs/web.log" 2>&1 &
  pids+=($!)
  # The staff view: referrals, and the nurse's notifications are sent from its process.
  .venv/bin/python -m handover.staff --port "$staff_port" > "$logs/staff.log" 2>&1 &
  pids+=($!)
  staff="Staff view (referrals): http://localhost:$staff_port/  (log: $logs/staff.log; accounts: .venv/bin/python -m handover user add NAME --role lead)"
  # Browsers may reach the bot from the clinic's website only (clinic.yml: website_origin).
  read -r -a origins <<< "$(.venv/bin/python -c \
    'from aftercare import clinic; print(" ".join(clinic.load().website_origins()))')"
  cat <<MSG
Clinic page with the chat widget: http://localhost:$web_port/  (log: $logs/web.log)
$staff
Starting the bot on http://localhost:$rasa_port (origins allowed: ${origins[*]}). Or talk over REST:
  curl -s localhost:$rasa_port/webhooks/rest/webhook -d '{"sender": "me", "message": "my eye is twitching"}'
MSG
  # The page's own origin must be allowed, or the widget cannot connect (web/server.py).
  page_origin="http://localhost:$web_port"
  if [[ " ${origins[*]} " != *" $page_origin "* ]]; then
    echo "WARNING: the bot refuses the widget on $page_origin: set CLINIC_WEBSITE_ORIGIN=$page_origin (or website_origin in clinic.yml)." >&2
  fi
  # One line once the bot answers, naming every address.
  staff_at="staff view http://localhost:$staff_port/"
  (
    for _ in $(seq 1 600); do
      if curl -sf -o /dev/null "http://localhost:$rasa_port/webhooks/rest/"; then
        echo "Ready: clinic page $page_origin/ | bot http://localhost:$rasa_port (REST /webhooks/rest/webhook, socket.io /socket.io/) | $staff_at"
        exit 0
      fi
      sleep 1
    done
  ) &
  pids+=($!)
  # logging.yml keeps what patients type out of Rasa's warnings (components/log_privacy.py).
  args=(--cors "${origins[@]}" --logging-config-file logging.yml)
  if [ -n "${RASA_API_TOKEN:-}" ]; then args+=(--enable-api --auth-token "$RASA_API_TOKEN"); fi
  "${rasa[@]}" run --model models/aftercare.tar.gz --endpoints endpoints.yml --port "$rasa_port" "${args[@]}"
fi
