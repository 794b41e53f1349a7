# ringdesk: the two commands that matter are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint system-deps venv clean installer deps-demo deps-installer deps-test

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "ringdesk needs $(PYTHON) (3.11 or 3.12): apt-get install python3.11 python3.11-venv"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[server,dev,installer]'
	touch $(STAMP)

venv: $(STAMP)

# Each target installs the system packages it needs (tools/system-deps.sh demo|installer|test);
# `make system-deps` installs them all (what `make test` needs).
system-deps: deps-test

deps-demo deps-installer deps-test:
	@tools/system-deps.sh $(@:deps-%=%)

# The window needs a display; on a headless machine the same calls are narrated in the terminal.
demo: deps-demo $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(VENV)/bin/ringdesk demo; \
	else echo "No display: running the terminal demo (the window: ringdesk demo under X11/Wayland)"; \
	$(VENV)/bin/ringdesk demo --console; fi

test: deps-test $(STAMP)
	tools/run-tests.sh

bench: deps-test $(STAMP)
	$(PY) -m bench

# Signed installers into build/installer (keys from RINGDESK_* variables, see docs/deploy.md);
# `make installer UNSIGNED=1` for an unsigned development build.
installer: deps-installer $(STAMP)
	$(PY) -m installer all $(if $(UNSIGNED),--unsigned)

lint: $(STAMP)
	$(VENV)/bin/ruff check app sip ui server tests bench installer
	$(VENV)/bin/ruff format --check app sip ui server tests bench installer
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache
