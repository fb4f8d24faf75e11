# mtclean: two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup lint bench clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	bash scripts/setup.sh

demo: setup
	@bash scripts/demo.sh

lint: setup
	$(BIN)/ruff check service tests bench scripts
	$(BIN)/mypy

test: setup lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/rules_throughput.py

clean-venv:
	rm -rf $(VENV)
