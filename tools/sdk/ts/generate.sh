#!/usr/bin/env bash
# Generate TypeScript types for the ChatAPI REST API from openapi.yaml.
# Usage: generate.sh OUT_DIR   -> OUT_DIR/schema.d.ts
# Installs the pinned tools (npm ci, ../../npm-ci.sh) first; fails on any warning.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$here"
bash ../../npm-ci.sh .
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --default-non-nullable=false: a property with a `default` (e.g. CreateTenantRequest.rate_limit_rps,
# CreateTokenRequest.ttl_seconds) stays optional; otherwise request bodies would have to send it.
if ! node_modules/.bin/openapi-typescript ../../../openapi.yaml --default-non-nullable=false -o "$out/schema.d.ts" >"$log" 2>&1; then
  cat "$log" >&2
  echo "generate.sh: openapi-typescript failed" >&2
  exit 1
fi
if grep -qiE 'warn|error' "$log"; then
  cat "$log" >&2
  echo "generate.sh: openapi-typescript printed warnings" >&2
  exit 1
fi
echo "typescript types: $out/schema.d.ts"
