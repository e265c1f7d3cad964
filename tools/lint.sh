#!/usr/bin/env bash
# Lints the two contracts, ../openapi.yaml and ../asyncapi.yaml, with the
# pinned Redocly CLI and the rules in redocly.yaml; then ../openapi.yaml with
# Redocly's defaults, as a user running `redocly lint openapi.yaml` would.
# Exits non-zero on any problem, warnings included. Installs the pinned npm
# tools first when they are missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

bash npm-ci.sh .

export REDOCLY_TELEMETRY=off
redocly=$PWD/node_modules/.bin/redocly
"$redocly" lint --config redocly.yaml --format stylish ../openapi.yaml ../asyncapi.yaml

# Defaults: Redocly reads redocly.yaml (and .redocly.lint-ignore.yaml) from
# the working directory when there is one, so run where there is none. With
# no configuration it applies its built-in `recommended` rules, where some
# are warnings: fail on those too.
spec=$(cd .. && pwd)/openapi.yaml
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
out=$(cd "$empty" && "$redocly" lint --format stylish "$spec" 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -v '[║╔╚]' # Redocly's boxed notice about the Node.js version
if ! grep -q 'No configurations were provided' <<<"$out" || grep -qE '^ +[0-9]+:[0-9]+ +warning' <<<"$out"; then
	echo "lint: openapi.yaml must lint with Redocly's defaults without a warning" >&2
	exit 1
fi
