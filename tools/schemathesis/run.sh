#!/usr/bin/env bash
# Fuzz a live ChatAPI with schemathesis against the contract it serves.
# Creates a venv (pinned requirements.txt) when missing, creates a tenant with
# the master key, then runs every check with that tenant's headers.
# Bounded: MAX_EXAMPLES test cases per operation (default 25), a fixed seed
# (SEED), per-request timeout, and a wall-clock cap (MAX_SECONDS, default 600).
# No configuration file and no exceptions: every check, as schemathesis ships
# it, on every operation. Exits non-zero on any failure.
# Usage: run.sh BASE_URL MASTER_KEY [extra schemathesis run options]
set -euo pipefail
base=${1:?usage: run.sh BASE_URL MASTER_KEY}; base=${base%/}
master=${2:?usage: run.sh BASE_URL MASTER_KEY}
shift 2 # the rest goes to schemathesis run
here=$(cd "$(dirname "$0")" && pwd)
venv=${VENV:-$here/.venv}
case "$venv" in /*) ;; *) venv="$PWD/$venv" ;; esac
cd "$here"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check \
    --require-hashes --only-binary=:all: -r requirements.txt
fi

tenant=$(curl -sS --fail-with-body -X POST "$base/admin/tenants" \
  -H "X-Master-Key: $master" -H 'Content-Type: application/json' \
  -d '{"name":"schemathesis run","rate_limit_rps":100000}')
key=$(printf '%s' "$tenant" | "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["data"]["api_key"])')
user=${FUZZ_USER:-fuzzer}

report=${REPORT_DIR:-$(mktemp -d)}
echo "schemathesis: reports in $report" >&2
timeout --signal=INT --kill-after=30 "${MAX_SECONDS:-600}" \
"$venv/bin/schemathesis" run "$base/openapi.yaml" \
  --checks all \
  -H "X-API-Key: $key" -H "X-User-Id: $user" -H "X-Master-Key: $master" \
  --max-examples "${MAX_EXAMPLES:-25}" \
  --seed "${SEED:-20261124}" \
  --generation-database none \
  --workers 1 \
  --request-timeout 10 \
  --no-color \
  --report junit,ndjson --report-dir "$report" \
  "$@"
