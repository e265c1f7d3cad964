#!/usr/bin/env bash
# Fails when sdk/go's generated code (REST client, realtime event types,
# version) is stale against openapi.yaml and asyncapi.yaml: generates into a
# copy of sdk/go and compares. `make sdk-check` runs it before `make sdk`
# rewrites sdk/go, like gen-check for gen/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/sdk/go" "$tmp/sdk"
find "$tmp/sdk" -name '*.gen.go' -delete
bash "$here/generate.sh" "$tmp/sdk" >/dev/null
if ! diff -r -q "$tmp/sdk" "$root/sdk/go" >&2; then
	echo "sdk/go is stale: run 'make sdk' and commit the result" >&2
	exit 1
fi
echo "sdk/go: up to date"
