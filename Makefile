# Two commands: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser run test demo check clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The admin's own zh_Hans translations (portal/locale). The .mo files are
# committed; this recompiles one whose .po changed, in pure Python (polib),
# so no gettext/msgfmt is needed. `make translations` recompiles them all.
PO_FILES := $(wildcard portal/locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
COMPILE_PO = $(BIN)/python -c 'import sys, polib; [polib.pofile(p).save_as_mofile(p[:-3] + ".mo") for p in sys.argv[1:]]'

install: $(STAMP) node_modules/.installed $(MO_FILES)

%.mo: %.po | $(STAMP)
	$(COMPILE_PO) $<

translations: $(STAMP)
	$(COMPILE_PO) $(PO_FILES)

# axe-core for the accessibility scan in the browser tests (npm registry,
# pinned in package.json / package-lock.json; node_modules is git-ignored).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing Debian's npm for the browser-test tools"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's Chromium; it is installed from Debian's
# packages when missing (CI and developers run as root on these machines),
# with Debian's Noto CJK fonts so the screenshots the tests save under
# test-artifacts/screens/ show Chinese rather than boxes.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || { \
		echo "Installing Debian's fonts-noto-cjk for the browser screenshots"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; }

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo

# The background worker (django-tasks' database backend) runs beside the
# server, so large imports work in the demo as they do in production.
run: demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media static_collected node_modules test-artifacts
