# Two commands: `make run` and `make test`. Everything else is a helper of those.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
COOP_DATA ?= data

.PHONY: run test lint typecheck deadcode venv dev chromium postgres bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev: $(VENV)/.dev-installed

run: venv
	COOP_DATA=$(COOP_DATA) $(PY) -m streamlit run dashboard.py --server.port $(PORT)

chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium (browser tests)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium poppler-utils; }
	@test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || { \
	  echo "Installing Debian's fonts-noto-cjk (Korean and Chinese names in the PDF pack)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk; }
	@command -v pdftoppm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils
	@command -v soffice >/dev/null || { \
	  echo "Installing Debian's libreoffice-impress (the slides as LibreOffice draws them)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libreoffice-impress; }

# The store tests run against a throw-away PostgreSQL server too (tests/pg_fixtures.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql (store tests)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; }

lint: dev
	$(PY) -m ruff check .

# The packages below the user interface (config: [tool.mypy] in pyproject.toml).
typecheck: dev
	$(PY) -m mypy

# Code nothing uses (tests count as users; .vulture_whitelist.py lists what it cannot see).
deadcode: dev
	$(PY) -m vulture core places metrics loaders research charts datastore report ui views dashboard.py \
	  i18n tests bench .vulture_whitelist.py --min-confidence 60 \
	  --ignore-decorators "@pytest.fixture" --ignore-names "pytestmark,handle_message,upgrade,downgrade,revision,down_revision,branch_labels,depends_on,*_env,demo,named_titles,mou,by_theme,CHART_CONTENT_TYPE" \
	  --exclude "*/.venv/*"

# Two pytest-xdist workers (this machine's two cores); tests/conftest.py keeps a module whose
# tests share a fixture on one worker. `pytest -q tests/test_x.py` runs one file serially.
# A worker that dies is not replaced: the run stops naming the test it was running (xdist's
# replacement worker trips its module scheduler: an INTERNALERROR instead).
test: dev chromium postgres lint typecheck deadcode
	$(PY) -m pytest -q -n 2 --max-worker-restart=0

bench: dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
