# The few verbs everyone uses. `make dev` runs the product; `make test` installs and runs every suite.
PORT ?= 8080
AWS_PORT ?= 4566
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: setup dev test lint format bench bench-interactions races simulate synth web

setup:
	scripts/setup.sh

dev: setup
	.venv/bin/python -m infra.local --port $(PORT) --aws-port $(AWS_PORT)

test:
	scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	scripts/typecheck.sh
	cd web && npm run --silent typecheck

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

web:
	cd web && npm run build

bench:
	.venv/bin/python -m bench

bench-interactions:
	.venv/bin/python -m bench interactions

# The chat race tests at full scale: 200 agents and 2,000 chats at once, 1,000 submit-versus-timeout races
# (the suite runs them at 20, 200 and 120). Takes a long while; prints each test's duration.
races:
	RACE_AGENTS=200 RACE_CHATS=2000 RACE_DISPOSITIONS=1000 .venv/bin/python -m pytest -q \
		--durations=0 tests/integration/test_interactions_races.py

# Customer chats and simulated agents against the running local stack (`make dev`); SIMFLAGS adds options
# (e.g. SIMFLAGS="--isolated --agents 20", or "--start-stack" for a stack of its own): see scripts/simulate.py.
RATE ?= 12
DURATION ?= 60
AGENTS ?= 5
simulate:
	.venv/bin/python -m scripts.simulate --url http://127.0.0.1:$(PORT) --rate $(RATE) --duration $(DURATION) \
		--agents $(AGENTS) $(SIMFLAGS)

synth: web
	npx cdk synth --quiet
