# ChatAPI. `make run` starts the service on SQLite under ./data/; `make test`
# runs every check: generated code freshness, contract lint, the SDKs, the
# demo app's bundle and the Postman collection, then Go tests with -race (both
# store backends, the Swagger UI and demo app browser checks, and the SDK
# flows, newman and schemathesis against a live server).
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
GEN_PKGS := chatapi chatclient
PYTHON ?= python3
VENV := dist/venv

.PHONY: run build loadgen bench gen gen-check docs docs-check lint venv sdk sdk-check demo demo-check postman examples test test-go clean

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

## docs: regenerate docs/realtime/index.html, the HTML reference of
## asyncapi.yaml the binary serves at /docs/realtime/ (AsyncAPI generator).
docs:
	bash tools/asyncapi-docs/build.sh docs/realtime/index.html

## docs-check: fail when docs/realtime/index.html is stale against
## asyncapi.yaml, or shows a backtick to its reader (tools/asyncapi-docs/check.mjs).
docs-check:
	@node tools/asyncapi-docs/check.mjs docs/realtime/index.html || exit 1; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	bash tools/asyncapi-docs/build.sh "$$tmp/index.html" || exit 1; \
	if ! cmp -s "$$tmp/index.html" docs/realtime/index.html; then \
		echo "docs/realtime/index.html is stale: run 'make docs' and commit the result"; exit 1; \
	fi; echo "docs/realtime/: up to date"

## lint: lint openapi.yaml and asyncapi.yaml (installs the pinned npm tools).
lint:
	bash tools/lint.sh

## venv: the Python tools (openapi-python-client, the example client's
## httpx and websockets, schemathesis, moto's S3-compatible server for the
## storage tests, Flask and standardwebhooks for the README's Python webhook
## receiver) in a virtualenv under dist/, exactly
## as the requirements.txt files pin them: every transitive dependency, its
## hashes checked, wheels only (building an sdist would fetch unpinned build
## tools). Each requirements.txt is compiled from the requirements.in beside it.
$(VENV)/.installed: tools/sdk/python/requirements.txt tools/schemathesis/requirements.txt tools/moto/requirements.txt tools/webhooks/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes --only-binary=:all: \
		-r tools/sdk/python/requirements.txt -r tools/schemathesis/requirements.txt -r tools/moto/requirements.txt \
		-r tools/webhooks/requirements.txt
	touch $@

venv: $(VENV)/.installed

## sdk: generate the client SDKs from the contracts: the generated code of
## the Go SDK into sdk/go and of the Python SDK into sdk/python (committed:
## REST clients from openapi.yaml, realtime event types from asyncapi.yaml),
## the TypeScript client into dist/sdk/, failing on any generator warning;
## the TypeScript example is type-checked against its generated types. The
## TypeScript SDK package (sdk/typescript) is generated from both contracts
## into its src/generated (not committed), compiled to sdk/typescript/dist
## and packed into dist/sdk/typescript with its browser bundle's size.
sdk: venv
	bash tools/sdk/go/generate.sh sdk/go
	bash tools/sdk/ts/generate.sh dist/sdk/ts
	bash tools/sdk/ts/typecheck.sh dist/sdk/ts
	bash tools/sdk/python/generate.sh sdk/python $(VENV)
	bash sdk/typescript/build.sh dist/sdk/typescript

## sdk-check: fail when the committed generated code of sdk/go or
## sdk/python is stale against openapi.yaml and asyncapi.yaml (run before
## sdk rewrites it).
sdk-check: venv
	bash tools/sdk/go/check.sh
	bash tools/sdk/python/check.sh $(VENV)

## demo: rebuild demo/static/app.js, the demo web app's bundle (committed,
## embedded in the binary), from demo/src and the TypeScript SDK.
demo:
	bash demo/build.sh demo/static/app.js

## demo-check: fail when demo/static/app.js is stale (run after sdk).
demo-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	bash demo/build.sh "$$tmp/app.js" >/dev/null || exit 1; \
	if ! cmp -s "$$tmp/app.js" demo/static/app.js; then \
		echo "demo/static/app.js is stale: run 'make demo' and commit the result"; exit 1; \
	fi; echo "demo/static/app.js: up to date"

## postman: convert openapi.yaml into a Postman collection (with status
## assertions and the auth headers as collection variables).
postman:
	bash tools/postman/build.sh dist/chatapi.postman_collection.json

## examples: install the pinned npm packages of examples/webhooks, whose
## Express receiver the e2e tests run (the Flask one runs in the venv).
examples: venv
	bash tools/npm-ci.sh examples/webhooks

test-go:
	$(GO) test -race -count=1 -timeout 30m ./...

test: gen-check sdk-check docs-check lint sdk demo-check postman examples test-go

clean:
	rm -rf bin dist sdk/typescript/dist sdk/typescript/src/generated
