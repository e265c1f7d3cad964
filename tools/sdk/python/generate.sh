#!/usr/bin/env bash
# Generate the ChatAPI Python client from openapi.yaml.
# Usage: generate.sh OUT_DIR VENV
#   OUT_DIR  where the client goes (OUT_DIR/chatapi-client, package chatapi_client)
#   VENV     virtualenv holding the generator; created with requirements.txt
#            (every dependency pinned, hashes checked) when it has none
#            (`make venv` makes it, and remakes it when the requirements
#            change)
# Fails on any generator warning.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 OUT_DIR VENV" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
venv=$2
if [ ! -x "$venv/bin/openapi-python-client" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --require-hashes --only-binary=:all: -r "$here/requirements.txt"
fi
venv=$(cd "$venv" && pwd)
# ruff (a dependency of the generator) formats the output: it must be on PATH.
export PATH="$venv/bin:$PATH"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd "$here"
if ! openapi-python-client generate \
    --path ../../../openapi.yaml \
    --config config.yaml \
    --meta setup \
    --output-path "$out/chatapi-client" \
    --overwrite \
    --fail-on-warning >"$log" 2>&1; then
  cat "$log" >&2
  echo "generate.sh: openapi-python-client failed or warned" >&2
  exit 1
fi
if grep -qiE 'warning|skipping|not in PATH' "$log"; then
  cat "$log" >&2
  echo "generate.sh: openapi-python-client printed warnings" >&2
  exit 1
fi
echo "python client: $out/chatapi-client (import chatapi_client; add that directory to sys.path)"
