# A thin wrapper: the real work is `python -m course <verb>` (see README).
#   make setup
#       create .venv (pinned packages) if it is missing or out of date; nothing else
#   make run [lang=zh] [headless=1] [ip=0.0.0.0]
#       set up if needed, prepare data and notebooks, start JupyterLab
#   make test [workers=2]
#       set up if needed, prepare data, run the whole test suite on `workers` processes (pytest-xdist)
#   make hub roster=roster.csv [course=ID] [ip=0.0.0.0] [port=8000]   (as root; `make hub stop=1` ends it)
#       JupyterHub for a class on this server: accounts from the roster, nbgrader exchange, Formgrader

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
lang ?= en
workers ?= 2

# Offline data mirror: on machines that have ../shared/data (this project's CI and dev machines) it
# is used; elsewhere the variable is empty and the data sets are downloaded by torchvision.
export COURSE_DATA_MIRROR ?= $(wildcard $(abspath ../shared/data))
# nbgrader runs `alembic` from PATH to create a gradebook: the venv's bin/ must come first.
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: setup run test build check data browser sandbox queue-setup hub hub-setup

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

run: setup
	$(PY) -m course lab --lang $(lang) $(if $(headless),--headless) $(if $(ip),--ip $(ip))

test: setup data browser sandbox queue-setup hub-setup
	$(PY) -m pytest -n $(workers) $(PYTEST_ARGS)

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

# `course grade --queue` and its tests (pytest -m queue) start their own redis-server and PostgreSQL (a
# gradebook on a server): as root on Debian/Ubuntu, install both from Debian's packages when missing.
queue-setup:
	@if ! command -v redis-server >/dev/null || { ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing redis-server and postgresql from Debian's packages for course grade --queue"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server postgresql >/dev/null; \
	  else \
	    echo "note: the queue tests need redis-server and PostgreSQL (apt install redis-server postgresql); see README"; \
	  fi; \
	fi

# JupyterHub's proxy is configurable-http-proxy, a Node.js program from npm. As root, install the pinned
# version when it is missing (and `acl`, with which the hub lets its users pass through a folder
# such as /root that holds this venv's Python); elsewhere say what the hub tests need.
CHP_VERSION := 5.3.0
hub-setup:
	@if ! command -v configurable-http-proxy >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v npm >/dev/null; then \
	    echo "Installing configurable-http-proxy $(CHP_VERSION) from npm for the hub"; \
	    npm install --global --no-audit --no-fund --loglevel=error configurable-http-proxy@$(CHP_VERSION); \
	  else \
	    echo "note: python -m course hub and its tests need configurable-http-proxy (npm install -g configurable-http-proxy) and root; see README"; \
	  fi; \
	fi
	@if ! command -v setfacl >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing acl from Debian's packages for the hub"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq acl >/dev/null; \
	fi

hub: setup data hub-setup
	$(PY) -m course hub $(if $(stop),--stop,$(if $(roster),--roster $(roster)) $(if $(course),--course $(course)) $(if $(ip),--ip $(ip)) $(if $(port),--port $(port)))

data: setup
	$(PY) -m course data

build: setup
	$(PY) -m course build

check: setup
	$(PY) -m course check
