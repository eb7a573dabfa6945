# The aftercare assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# endpoints.yml's action server, for the Rasa commands run here (scripts/run.sh sets its own).
export ACTION_SERVER_URL ?= http://localhost:5055/webhook
RASA := .venv/bin/rasa
PY := .venv/bin/python
MODEL := models/aftercare.tar.gz

.PHONY: help setup model run run-scaled shell test lint audit unit validate core nlu nlu-cv eval eval-blind e2e browser bench bench-starter bench-reference lock clean

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## Create .venv and install the pinned lock (again only when it changed)
	@scripts/setup.sh

model: setup ## Train models/aftercare.tar.gz if it is missing or older than the data
	@scripts/train.sh

run: ## Set up, train if needed, start the bot (:5005) and the clinic page with the widget (:8080)
	@scripts/run.sh

shell: ## Same as run, but chat with the bot in this terminal
	@scripts/run.sh shell

# Two at a time, one on each of the machine's two cores, each target's output printed whole when
# it ends: the cross-validation beside the unit tests, data check and stories; then the browser
# tests beside the REST ones. About 20 minutes on a clean clone (docs/testing.md).
test: setup lint audit model ## Everything CI runs: lint, audit, unit, data, stories, NLU, REST, browser
	@$(MAKE) --no-print-directory -j2 --output-sync=target nlu unit validate core UNIT_WORKERS=0
	@scripts/apt-install.sh chromium chromium-driver fonts-noto-color-emoji nginx
	@$(MAKE) --no-print-directory -j2 --output-sync=target e2e browser

lint: setup ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

audit: setup ## pip-audit over requirements.lock; fails on a finding not fixed or accepted
	@scripts/audit.sh

# Two workers (pytest-xdist) for `make unit` alone; `make test` runs it beside the NLU's
# cross-validation, one core each, so there it runs in one process (UNIT_WORKERS=0).
UNIT_WORKERS ?= 2
unit: setup ## tests/unit without PostgreSQL, Redis or servers: rules, dates, symptoms, actions
	$(PY) -m pytest tests/unit -m "not postgresql and not redis" -n $(UNIT_WORKERS)

validate: setup ## rasa data validate, failing on any warning not expected (tools/data_validate.py)
	$(PY) -m tools.data_validate

core: model ## The conversations in tests/test_stories.yml, failing on any wrong prediction
	$(RASA) test core --stories tests/test_stories.yml --model $(MODEL) --fail-on-prediction-errors --out results/core

nlu: setup ## 5-fold cross-validation of the NLU's classifiers; fails below intent F1 0.93
	$(PY) -m tools.nlu_config results/nlu-config.yml
	$(RASA) test nlu --nlu data/nlu --config results/nlu-config.yml --cross-validation --folds 5 --out results/nlu
	$(PY) -m tools.nlu_report results/nlu --min-f1 0.93

nlu-cv: setup ## The cross-validation five times over: each run's intent F1, the mean, the range
	$(PY) -m benchmarks.nlu_cv --runs 5

eval: model ## The held-out patients (benchmarks/heldout/, never trained on) over REST: the figures
	$(PY) -m benchmarks.understanding

eval-blind: model ## Each fresh set of benchmarks/heldout/blind/, one after the other
	@for set in benchmarks/heldout/blind/*/; do echo "== $$set"; $(PY) -m benchmarks.understanding --set $$set || exit 1; done

e2e: model ## tests/e2e: the real servers (REST, socket.io, two behind nginx), PostgreSQL, Redis
	@scripts/apt-install.sh nginx
	$(PY) -m pytest tests/e2e tests/unit -m "servers or postgresql or redis"

browser: model ## The chat widget in headless Chromium (installed from Debian if missing)
	@scripts/apt-install.sh chromium chromium-driver fonts-noto-color-emoji nginx
	$(PY) -m pytest tests/browser

run-scaled: model ## Two Rasa servers behind nginx, on PostgreSQL and Redis (docs/operations.md: Deploying)
	@scripts/apt-install.sh nginx
	$(PY) -m tools.cluster

bench: model ## Print the speed, memory and accuracy figures (benchmarks/bench.py)
	@scripts/apt-install.sh nginx
	$(PY) -m benchmarks.bench

bench-starter: setup ## Rasa's starter bot (rasa init) under the same load: how fast this machine is
	$(PY) -m benchmarks.starter

bench-reference: model ## Both bots with CPU quotas, as slow as the reference machine (root, Linux)
	$(PY) -m benchmarks.reference

lock: ## Re-resolve requirements/*.in into requirements.lock (needs the network)
	@scripts/lock.sh

clean: ## Remove the trained model, results and logs (keeps .venv and conversations)
	rm -rf models results logs .pytest_cache .mypy_cache .ruff_cache
