# A thin wrapper: the real work is `python -m course <verb>` (see README).
#   make setup
#       create .venv (pinned packages) if it is missing or out of date; nothing else
#   make run [lang=zh] [headless=1] [ip=0.0.0.0]
#       set up if needed, prepare data and notebooks, start JupyterLab
#   make test
#       set up if needed, prepare data, run the whole test suite

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
lang ?= en

# Offline data mirror: on machines that have ../shared/data (this project's CI and dev machines) it
# is used; elsewhere the variable is empty and the data sets are downloaded by torchvision.
export COURSE_DATA_MIRROR ?= $(wildcard $(abspath ../shared/data))
# nbgrader runs `alembic` from PATH to create a gradebook: the venv's bin/ must come first.
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: setup run test build check data browser sandbox

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

run: setup
	$(PY) -m course lab --lang $(lang) $(if $(headless),--headless) $(if $(ip),--ip $(ip))

test: setup data browser sandbox
	$(PY) -m pytest $(PYTEST_ARGS)

# The browser tests (pytest -m browser) drive Chromium. As root on Debian/Ubuntu, install it from
# Debian's packages when missing, with a CJK font so Chinese lesson text renders in the browser.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium and a CJK font from Debian's packages for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else \
	    echo "note: the browser tests need Chromium (or set COURSE_BROWSER) and a CJK font; see README"; \
	  fi; \
	fi

# `course grade` runs each answer in a bubblewrap sandbox: as root on Debian/Ubuntu, install it when missing.
sandbox:
	@if ! command -v bwrap >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing bubblewrap from Debian's packages for course grade"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "note: course grade and its tests need bubblewrap (apt install bubblewrap); see README"; \
	  fi; \
	fi

data: setup
	$(PY) -m course data

build: setup
	$(PY) -m course build

check: setup
	$(PY) -m course check
