#!/usr/bin/env bash
# Build the Postman collection from openapi.yaml: convert, then post-process
# (auth headers, collection variables, status-code tests).
# Usage: build.sh OUT_JSON
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_JSON}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
cd "$here"
bash ../npm-ci.sh .
raw=$(mktemp); log=$(mktemp)
trap 'rm -f "$raw" "$log"' EXIT
node_modules/.bin/openapi2postmanv2 -s ../../openapi.yaml -o "$raw" -p \
  -O folderStrategy=Tags,parametersResolution=Example >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
# The converter prints warnings on its own lines; show them and fail on any.
if grep -Ei 'warn' "$log" >&2; then
  echo "build.sh: converter warnings (above)" >&2; exit 1
fi
node postprocess.mjs ../../openapi.yaml "$raw" "$out"
