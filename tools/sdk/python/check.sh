#!/usr/bin/env bash
# Fails when sdk/python's generated code (chatapi_client, chatapi/events.py,
# chatapi/_version.py) is stale against openapi.yaml and asyncapi.yaml:
# generates into a copy of sdk/python and compares. Usage: check.sh VENV
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
venv="${1:?usage: check.sh VENV}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/sdk/python" "$tmp/sdk"
rm -rf "$tmp/sdk/chatapi_client" "$tmp/sdk/chatapi/events.py" "$tmp/sdk/chatapi/_version.py"
bash "$here/generate.sh" "$tmp/sdk" "$venv" >/dev/null
if ! diff -r -q -x __pycache__ "$tmp/sdk" "$root/sdk/python" >&2; then
	echo "sdk/python is stale: run 'make sdk' and commit the result" >&2
	exit 1
fi
echo "sdk/python: up to date"
