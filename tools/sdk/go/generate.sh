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
(cd "$out" && ./.oapi-codegen -config cfg.yaml "$root/openapi.yaml")
rm -f "$out/.oapi-codegen" "$out/cfg.yaml"
if [ ! -f "$out/go.mod" ]; then
	(cd "$out" && go mod init chatapi.example/sdk >/dev/null 2>&1)
fi
(cd "$out" && go mod tidy >/dev/null)
echo "go sdk: $out"
