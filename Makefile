# Two commands do all set-up on a fresh machine:
#   make demo   build the release and grade the bundled demo submissions
#   make test   lint, format check, type-check, then the whole test suite on every core
#               (the suite checks the release, once)
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck build check-release clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@# PyTorch (CPU) is only for the parity tests; they are skipped if it cannot be installed.
	$(PY) -m pip install --quiet 'torch==2.13.0' || echo "torch==2.13.0 not installable: parity tests will be skipped"
	touch $(STAMP)

# bubblewrap isolates the notebooks being graded; without it grading says isolation is reduced.
# chromium runs the browser tests (JupyterLab, formgrader, the HTML reports) through Playwright;
# under CI (CI set) those tests fail rather than skip when it is missing.
SYSTEM_PACKAGES := bwrap:bubblewrap chromium:chromium
system-deps:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing system packages:$$missing (run 'sudo apt-get install$$missing')"; \
	  fi; fi

demo: $(STAMP) system-deps
	$(VENV)/bin/autograder demo

# everything Python in the repository except the notebooks' text sources (see pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

check-release: $(STAMP)
	$(VENV)/bin/autograder build --check

build: $(STAMP)
	$(VENV)/bin/autograder build

# one worker per core; a test file's tests stay on one worker (they share its graded batches)
test: system-deps lint typecheck
	$(VENV)/bin/pytest -q -rs -n auto --dist loadfile

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
