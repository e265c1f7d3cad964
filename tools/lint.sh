#!/usr/bin/env bash
# Lints the two contracts, ../openapi.yaml and ../asyncapi.yaml, with the
# pinned Redocly CLI and the rules in redocly.yaml. Exits non-zero on any
# problem. Installs the pinned npm tools first when they are missing or older
# than package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

bash npm-ci.sh .

export REDOCLY_TELEMETRY=off
exec ./node_modules/.bin/redocly lint --config redocly.yaml --format stylish \
	../openapi.yaml ../asyncapi.yaml
