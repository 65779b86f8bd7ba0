# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DIST_STAMP := $(VENV)/.installed-dist

export QT_QPA_PLATFORM_TEST := offscreen

.PHONY: run test lint typecheck contracts pytest dist bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,dist]"
	touch $(STAMP) $@

$(DIST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dist]"
	touch $(STAMP) $@

## Open the workstation (seeds demo data and prints the demo logins on first start).
run: $(STAMP)
	$(BIN)/veil

## Lint, type-check, import contracts and the whole test suite (offscreen).
test: $(TEST_STAMP) lint typecheck contracts pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app db widgets tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

contracts: $(TEST_STAMP)
	$(BIN)/lint-imports

# With no PYTEST_ARGS the suite runs as two pytest processes side by side (this machine has
# 2 cores): the two long sync suites (the convergence state machine, >= 500 examples in
# CI, and the SIGKILL runs), which mostly wait on hub processes and PostgreSQL, and
# everything else. The first half's output follows the second's; either failing fails.
SIDE := tests/sync/test_convergence.py tests/sync/test_kills.py
pytest: $(TEST_STAMP)
ifeq ($(strip $(PYTEST_ARGS)),)
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -p no:cacheprovider $(SIDE) \
		> .pytest-side.log 2>&1 & side=$$!; \
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -p no:cacheprovider \
		$(foreach d,$(SIDE),--ignore=$(d)); rest=$$?; \
	wait $$side; side_status=$$?; \
	echo "=== $(SIDE) (run beside the rest) ==="; cat .pytest-side.log; \
	exit $$(( rest != 0 || side_status != 0 ))
else
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)
endif

## One-folder PyInstaller build in dist/veil; `dist/veil/veil --smoke` checks it.
dist: $(DIST_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean build.spec

## List the benchmarks; `make bench NAME=filters` runs one.
bench: $(STAMP)
	$(BIN)/python -m bench $(NAME)

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
