# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install browser migrate run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# bpmn-js and other front-end libraries, served by the service itself (no CDN).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium: install it (apt-get install chromium) or set CHROMIUM=..."; exit 1; }; }

migrate: install
	$(BIN)/python -m service migrate

run: migrate
	$(BIN)/python -m service seed-demo
	$(BIN)/python -m service serve --host $(HOST) --port $(PORT)

test: install browser
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check service workers bench tests
	$(BIN)/mypy service workers bench
	$(BIN)/lint-imports --no-cache

bench: install
	$(BIN)/python -m bench.engine
	$(BIN)/python -m bench.timers
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.record
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m bench.journey

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
