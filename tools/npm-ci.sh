#!/usr/bin/env bash
# Installs DIR's npm packages exactly as its committed package-lock.json pins
# them (npm ci: it fails rather than resolve anything when the lockfile and
# package.json disagree), when DIR/node_modules is missing or older than the
# lockfile, so that a deliberate version bump takes effect on the next run.
# Install scripts download no browser (Debian's chromium is used) and send no
# install telemetry.
# Usage: npm-ci.sh DIR
set -euo pipefail
cd "${1:?usage: npm-ci.sh DIR}"
if [[ -d node_modules && ! package-lock.json -nt node_modules ]]; then
	exit 0
fi
echo "npm ci: installing the pinned packages of $(basename "$PWD")" >&2
PUPPETEER_SKIP_DOWNLOAD=1 SCARF_ANALYTICS=false \
	npm ci --no-audit --no-fund --loglevel=error >&2
touch node_modules
