# ChatAPI. `make run` starts the service on SQLite under ./data/; `make test`
# runs every check: generated code freshness, contract lint, Go tests with -race
# (both store backends, the Swagger UI browser check).
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GEN_PKGS := chatapi chatclient

.PHONY: run build loadgen bench gen gen-check lint sdk test test-go clean

run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/chatapi

build:
	mkdir -p bin
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/chatapi ./cmd/chatapi

## loadgen: bin/loadgen, the load generator (tools/loadgen).
loadgen:
	mkdir -p bin
	$(GO) build -o bin/loadgen ./tools/loadgen

## bench: measure the service with tools/loadgen on SQLite and PostgreSQL
## (tools/bench/run.sh; BENCH_QUICK=1 for a short run). Not part of test.
bench:
	bash tools/bench/run.sh

## gen: regenerate gen/ from openapi.yaml.
gen:
	$(GO) generate ./gen/...

## gen-check: fail when gen/ is stale against openapi.yaml.
gen-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) build -o "$$tmp/oapi-codegen" github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen || exit 1; \
	for p in $(GEN_PKGS); do \
		mkdir -p "$$tmp/$$p" && cp gen/$$p/cfg.yaml "$$tmp/$$p/"; \
		(cd "$$tmp/$$p" && "$$tmp/oapi-codegen" -config cfg.yaml "$(CURDIR)/openapi.yaml") || exit 1; \
		if ! diff -q "$$tmp/$$p/$$p.gen.go" gen/$$p/$$p.gen.go >/dev/null; then \
			echo "gen/$$p is stale: run 'make gen' and commit the result"; exit 1; \
		fi; \
	done; echo "gen/: up to date"

## lint: lint openapi.yaml and asyncapi.yaml (installs the pinned npm tools).
lint:
	bash tools/lint.sh

## sdk: generate the client SDKs from openapi.yaml into dist/sdk/.
sdk:
	bash tools/sdk/go/generate.sh dist/sdk/go

test-go:
	$(GO) test -race -count=1 ./...

test: gen-check lint sdk test-go

clean:
	rm -rf bin dist
