# EachVault: `make demo` and `make test` work on a fresh Debian machine with the Swift toolchain, as root.
SWIFT ?= swift
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev pkg-config
BIN := .build/debug/eachvault

.PHONY: deps build demo test bench serve simulator clean

## deps: install the system libraries (SQLite, libcurl) if any is missing
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: compile eachvault (debug)
build: deps
	$(SWIFT) build --product eachvault

## demo: simulator + service on loopback, three videos archived and searched, then serve until Ctrl-C
demo: build
	$(BIN) demo

## test: the whole suite (unit and end-to-end against the bundled simulator)
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: release-mode benchmarks of the hot paths (see Benchmarks/README.md)
bench: deps
	$(SWIFT) build -c release --product eachvault-bench
	.build/release/eachvault-bench

serve: build
	$(BIN) serve

simulator: build
	$(BIN) simulator

clean:
	rm -rf .build
