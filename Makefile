# A thin wrapper: the real work is `python -m course <verb>` (see README).
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

.PHONY: setup run test build check data

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

run: setup
	$(PY) -m course lab --lang $(lang) $(if $(headless),--headless) $(if $(ip),--ip $(ip))

test: setup data
	$(PY) -m pytest $(PYTEST_ARGS)

data: setup
	$(PY) -m course data

build: setup
	$(PY) -m course build

check: setup
	$(PY) -m course check
