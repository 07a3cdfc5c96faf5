# Two commands do everything on a fresh machine with only python3: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run sandbox test lint lock format bench sync clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# constraints.txt pins every dependency to the versions tested together (`make lock` refreshes it).
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(STAMP)

run: $(STAMP)  ## Run the bot (the local sandbox when DISCORD_TOKEN is not set)
	$(BIN)/python -m bot

sandbox: $(STAMP)  ## Run the local sandbox explicitly
	$(BIN)/python -m bot sandbox

sync: $(STAMP)  ## Force-sync slash commands to Discord
	$(BIN)/python -m bot sync

# pyright -p .: this project's settings (pyproject.toml), whatever pyrightconfig.json a parent folder holds
test: $(TEST_STAMP)  ## Lint, format check, type check, dead-code check, then every test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pyright -p .
	$(BIN)/vulture
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pyright -p .
	$(BIN)/vulture

lock: | $(BIN)/python  ## Refresh constraints.txt from the newest releases the ranges in pyproject.toml allow
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/python -m pip install --quiet -e '.[test]'
	.venv-lock/bin/python -m pip freeze --exclude-editable > constraints.txt && rm -rf .venv-lock

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(TEST_STAMP)  ## Benchmarks: print figures against a baseline measured in the same run
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
