#!/usr/bin/env bash
# Generates the Go SDK from openapi.yaml into OUT_DIR as a module of its own
# (module chatapi.example/sdk), the way a user of ChatAPI would.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:?usage: generate.sh OUT_DIR}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
(cd "$root" && go build -o "$out/.oapi-codegen" github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen)
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
if [ ! -f "$out/go.mod" ]; then
	(cd "$out" && go mod init chatapi.example/sdk >/dev/null 2>&1)
fi
(cd "$out" && go mod tidy >/dev/null)
echo "go sdk: $out"
