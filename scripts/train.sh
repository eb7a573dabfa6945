#!/usr/bin/env bash
# Trains models/aftercare.tar.gz if it is missing or older than the data, domain, config or
# NLU components it is built from.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false
model=models/aftercare.tar.gz
if [ -f "$model" ] && [ -z "$(find data domain.yml config.yml components -newer "$model" -type f | head -n 1)" ]; then
  echo "Model is up to date: $model"
  exit 0
fi
echo "Training $model"
.venv/bin/rasa train --fixed-model-name aftercare --out models
