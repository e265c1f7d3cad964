#!/usr/bin/env bash
# Generate the HTML reference of the WebSocket API from ../../asyncapi.yaml
# with the pinned AsyncAPI generator and HTML template, as one self-contained
# page (scripts and styles inlined: it loads nothing from the network), then
# postprocess.mjs removes the backticks the template's styles put around
# inline code, and check.mjs refuses a page that still shows one.
# Installs the pinned tools first (npm ci; no browser download). Fails on any
# generator warning.
# Usage: build.sh OUT_FILE
set -euo pipefail
out=${1:?usage: build.sh OUT_FILE}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
bash ../npm-ci.sh .
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --disable-warning hides only the notice that the `ag` command is deprecated
# in favour of the 1.4 GB AsyncAPI CLI (see TOOLCHAIN.md); Babel's note that
# it did not restyle the template's minified script is not about our spec.
if ! node_modules/.bin/asyncapi-generator ../../asyncapi.yaml ./node_modules/@asyncapi/html-template \
	-o "$work/out" -p singleFile=true --force-write --disable-warning >"$work/log" 2>&1; then
	cat "$work/log" >&2
	exit 1
fi
if grep -Ei 'warn|error' "$work/log" >&2; then
	echo "asyncapi-docs: the generator printed warnings (above)" >&2
	exit 1
fi
node postprocess.mjs "$work/out/index.html"
node check.mjs "$work/out/index.html"
mkdir -p "$(dirname "$out")"
cp "$work/out/index.html" "$out"
echo "asyncapi-docs: $(wc -c <"$out") bytes" >&2
