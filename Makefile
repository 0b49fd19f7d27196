# EachVault: `make demo` and `make test` work on a fresh Debian machine with the Swift toolchain, as root.
SWIFT ?= swift
# ffmpeg makes the gallery's posters (without it the service runs and shows placeholders).
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev pkg-config ffmpeg
# The gallery's browser test drives Debian's headless Chromium (with a Chinese font for the zh-CN pages); the
# reverse-proxy test runs deploy/nginx.conf in a real nginx, with a certificate made by openssl and requests sent by
# curl; the PostgreSQL tests make clusters of their own on loopback with Debian's PostgreSQL (initdb and pg_ctl as its
# postgres user, psql).
TEST_APT_PACKAGES := chromium fonts-wqy-microhei nginx openssl curl postgresql
BIN := .build/debug/eachvault

.PHONY: deps test-deps apt-install build demo test unit lint hooks format bench bench-deps bench-build bench-webhooks bench-files bench-instances fuzz fuzz-build fuzz-smoke screenshots serve simulator clean

## deps: install the system libraries (SQLite, libcurl) if any is missing
deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

# The object-storage tests run against moto's S3 server (PyPI), with its signature checks on; the API's OpenAPI
# document is tested against the live service by schemathesis (PyPI); `eachvault mcp` by the reference MCP client
# (PyPI `mcp`); outgoing webhooks by a receiver verifying with PyPI `standardwebhooks`; a Python client generated
# from the document by PyPI `openapi-python-client` drives the service unmodified.
test-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES) $(TEST_APT_PACKAGES)"
	@python3 -c "import moto.server, boto3, flask" 2>/dev/null || pip install -q "moto[server]"
	@command -v schemathesis >/dev/null || pip install -q "schemathesis>=4.32,<5"
	@python3 -c "import mcp.client.stdio" 2>/dev/null || pip install -q "mcp>=2.3,<3"
	@python3 -c "import standardwebhooks" 2>/dev/null || pip install -q "standardwebhooks>=1.0,<2"
	@command -v openapi-python-client >/dev/null || pip install -q "openapi-python-client>=0.29,<0.30"

apt-install:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## build: compile eachvault (debug)
build: deps
	$(SWIFT) build --product eachvault

## demo: simulator + service on loopback, three videos archived and searched, then serve until Ctrl-C
demo: build
	$(BIN) demo

## unit: the inner loop, the unit and router layers (no server, socket or child process)
unit:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter 'UnitTests|RouterTests'

## test: the whole suite (unit and end-to-end against the bundled simulator)
# First every fuzz target runs for a few seconds. The 100,000-generation corpus tests run on their own: building the
# corpus holds both cores for half a minute, which would stall the in-process services of the end-to-end tests
# running beside them. The resource and flat-memory tests run alone too, so the memory they measure is their own, and
# so do the chaos runs (three services with PostgreSQL, moto and nginx, or one service killed twice, would starve
# the tests beside them), and the tests driving heavy outside programs (Chromium, openapi-python-client), which held
# both cores long enough for the in-process services beside them to miss 30 s deadlines. The PostgreSQL probe's tests
# time a scripted listener's thread, which the whole suite beside them starved past their waits.
# Then everything else.
test: test-deps lint fuzz-smoke
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	$(SWIFT) test --skip-build --filter SearchCorpusTests
	$(SWIFT) test --skip-build --filter ResourceTests
	$(SWIFT) test --skip-build --filter FlatMemoryTests
	$(SWIFT) test --skip-build --filter MultiInstanceTests
	$(SWIFT) test --skip-build --filter ChaosTests
	$(SWIFT) test --skip-build --filter 'GalleryTests|GeneratedClientTests'
	$(SWIFT) test --skip-build --filter ServerProbeTests
	$(SWIFT) test --skip-build --skip SearchCorpusTests --skip ResourceTests --skip FlatMemoryTests \
		--skip MultiInstanceTests --skip ChaosTests --skip 'GalleryTests|GeneratedClientTests' --skip ServerProbeTests
	Tests/API/run.sh

SWIFT_SOURCES := Sources Tests Benchmarks Fuzz Plugins Package.swift

## lint: the house format (.swift-format), every import declared and the commit messages' form (tools/), as CI checks them
lint:
	$(SWIFT) format lint --strict --recursive $(SWIFT_SOURCES)
	python3 tools/check_imports.py
	python3 tools/target_graph.py --check docs/architecture.md
	python3 tools/check_store_contract.py
	python3 tools/check_commits.py

## hooks: check each commit message as it is written (subject at most 72 characters, a blank line before the body)
hooks:
	git config core.hooksPath .githooks

## format: rewrite the sources in the house format
format:
	$(SWIFT) format format --in-place --recursive $(SWIFT_SOURCES)

## fuzz: every libFuzzer target for FUZZ_RUNS executions (default 1,000,000) from its committed seeds
FUZZ_RUNS ?= 1000000
fuzz: fuzz-build
	Fuzz/run.sh runs $(FUZZ_RUNS)

fuzz-smoke: fuzz-build
	Fuzz/run.sh seconds $(or $(FUZZ_SECONDS),4)

# libFuzzer without its main, from the toolchain that builds (the executable's own main hands over to its driver).
FUZZ_DRIVER = $(shell find "$$(dirname "$$(readlink -f "$$(command -v swiftc)")")/../lib/clang" \
	-name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -1)
fuzz-build: deps
	EACHVAULT_FUZZ=1 EACHVAULT_FUZZ_DRIVER="$(FUZZ_DRIVER)" \
		$(SWIFT) build -c release --scratch-path .build-fuzz --product eachvault-fuzz

## bench: every benchmark in one run, each figure beside its peer (release builds): the hot paths in process
## (validation, download, search, the HTTP page path), then webhook ingest and submissions beside FastAPI, then
## file downloads and serving beside curl and nginx. BENCH_GENERATIONS=1000000 for the 1M search figures.
bench: deps bench-deps bench-build
	.build/release/eachvault-bench
	Benchmarks/webhook/run.sh
	Benchmarks/files/run.sh

bench-build:
	$(SWIFT) build -c release --product eachvault
	$(SWIFT) build -c release --product eachvault-bench

## bench-deps: what the comparison benchmarks drive and compare with (wrk, nginx; FastAPI + uvicorn for the
## webhook peer)
bench-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="wrk nginx"
	python3 -c "import fastapi, uvicorn, httptools, uvloop" 2>/dev/null || pip install -q fastapi "uvicorn[standard]"

## bench-webhooks: webhook ingest, EachVault beside a FastAPI peer (Benchmarks/webhook/)
bench-webhooks: deps bench-deps bench-build
	Benchmarks/webhook/run.sh

## bench-files: downloads beside curl pipelines, file serving beside nginx (Benchmarks/files/)
bench-files: deps bench-deps bench-build
	Benchmarks/files/run.sh

## bench-instances: generations settled per minute by one and by three instances on PostgreSQL + an S3 store
## behind nginx, against a fast simulator (BENCH_GENERATIONS per run, default 600)
bench-instances: test-deps bench-build
	$(SWIFT) build --build-tests
	EACHVAULT_BENCH_INSTANCES=$(or $(BENCH_GENERATIONS),600) EACHVAULT_TEST_BINARY=$(CURDIR)/.build/release/eachvault \
		$(SWIFT) test --skip-build --filter MultiInstanceThroughput

## screenshots: refresh docs/*.png from the browser test
screenshots: test-deps
	$(SWIFT) build --build-tests
	EACHVAULT_SCREENSHOTS=$(CURDIR)/docs $(SWIFT) test --skip-build --filter GalleryTests

serve: build
	$(BIN) serve

simulator: build
	$(BIN) simulator

clean:
	rm -rf .build .build-fuzz
