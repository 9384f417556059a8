# The two commands of the README's quick start:
#   make site   - create .venv, install nianbao, build the default site from content/ into site/
#   make test   - the whole test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/nianbao build --content content --out site
	@echo "站点已生成：用浏览器打开 site/index.html，或运行 $(BIN)/python -m http.server -d site 后访问 http://127.0.0.1:8000/"

check: $(STAMP)
	$(BIN)/nianbao check --content content

# axe-core (the accessibility audit's engine) comes from the npm registry, pinned by tests/package-lock.json.
tests/node_modules/axe-core/axe.min.js:
	npm ci --prefix tests --no-audit --no-fund

test: $(STAMP) | tests/node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest

clean:
	rm -rf site .site.* $(VENV) .pytest_cache
