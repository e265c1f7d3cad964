#!/usr/bin/env bash
# Generates the Go SDK from openapi.yaml into OUT_DIR as a module of its own
# (module chatapi.example/sdk), the way a user of ChatAPI would.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:?usage: generate.sh OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
(cd "$root" && go build -mod=readonly -o "$out/.oapi-codegen" github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen)
cp "$here/oapi-codegen.yaml" "$out/cfg.yaml"
# oapi-codegen prints nothing when all is well: any output is a warning, and
# generation must be warning-free.
log=$(cd "$out" && ./.oapi-codegen -config cfg.yaml "$root/openapi.yaml" 2>&1) || { echo "$log" >&2; exit 1; }
if [ -n "$log" ]; then
	echo "$log" >&2
	echo "generate.sh: oapi-codegen printed warnings" >&2
	exit 1
fi
rm -f "$out/.oapi-codegen" "$out/cfg.yaml"
# The module's go.mod and go.sum are committed beside this script: nothing is
# resolved here (no `go mod tidy`, which would take whatever version is newest
# that day). Building with -mod=readonly fails when the generated code needs
# a module they lack. To bump a version (a deliberate commit): generate, run
# `go get MODULE@VERSION && go mod tidy` in OUT_DIR, copy its go.mod and go.sum
# back to sdk.go.mod and sdk.go.sum, and pin the same in ChatAPI's go.mod.
cp "$here/sdk.go.mod" "$out/go.mod"
cp "$here/sdk.go.sum" "$out/go.sum"
(cd "$out" && go build -mod=readonly ./...) || {
	echo "generate.sh: the SDK does not build with the pinned tools/sdk/go/sdk.go.mod" >&2
	exit 1
}
echo "go sdk: $out"
