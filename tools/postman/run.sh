#!/usr/bin/env bash
# Run the generated Postman collection against a live ChatAPI with newman.
# Creates a tenant (master key) and real fixtures first: a group room owned by
# the acting user, a message in it, a notification for the acting user, and a
# second throwaway tenant whose key the rotate-key request may rotate.
# Exits non-zero on any failed assertion.
# Usage: [COLLECTION=dist/chatapi.postman_collection.json] run.sh BASE_URL MASTER_KEY
set -euo pipefail
base=${1:?usage: run.sh BASE_URL MASTER_KEY}; base=${base%/}
master=${2:?usage: run.sh BASE_URL MASTER_KEY}
here=$(cd "$(dirname "$0")" && pwd)
# COLLECTION: a collection `make postman` built; without it, build one here.
collection=${COLLECTION:-}
case "$collection" in ""|/*) ;; *) collection="$PWD/$collection" ;; esac
cd "$here"
bash ../npm-ci.sh .
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
user=alice

# json FIELD_PATH < body : print a field of a JSON answer (fails when absent)
json() { node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const v = process.argv[1].split(".").reduce((o, k) => (o == null ? undefined : o[k]), JSON.parse(s));
    if (v === undefined || v === null) { console.error("missing " + process.argv[1] + " in " + s); process.exit(1); }
    console.log(v);
  });' "$1"; }
post() { # post PATH BODY HEADER...
  local path=$1 body=$2; shift 2
  curl -sS --fail-with-body -X POST "$base$path" -H 'Content-Type: application/json' "$@" -d "$body"
}

tenant=$(post /admin/tenants '{"name":"postman run","rate_limit_rps":100000}' -H "X-Master-Key: $master")
key=$(json data.api_key <<<"$tenant")
spare=$(post /admin/tenants '{"name":"postman rotate-key target","rate_limit_rps":100000}' -H "X-Master-Key: $master")
spare_id=$(json data.tenant_id <<<"$spare")
auth=(-H "X-API-Key: $key" -H "X-User-Id: $user")
room=$(post /rooms '{"type":"group","name":"postman","members":["bob"]}' "${auth[@]}" | json data.room_id)
msg=$(post "/rooms/$room/messages" '{"content":"hello from run.sh"}' "${auth[@]}" | json data.message_id)
ntf=$(post /notify "{\"topic\":\"postman.run\",\"payload\":{\"n\":1},\"targets\":{\"user_ids\":[\"$user\"]}}" "${auth[@]}" | json data.notification_id)
echo "run.sh: room=$room message=$msg notification=$ntf rotate-target=$spare_id" >&2

if [ -z "$collection" ]; then
  collection="$work/collection.json"
  ./build.sh "$collection"
fi
node_modules/.bin/newman run "$collection" \
  --env-var "baseUrl=$base" --env-var "apiKey=$key" --env-var "userId=$user" \
  --env-var "masterKey=$master" --env-var "roomId=$room" --env-var "messageId=$msg" \
  --env-var "tenantId=$spare_id" --env-var "notificationId=$ntf" \
  --env-var "memberUserId=dave" \
  --timeout-request 10000 --timeout 120000 \
  --reporters cli --reporter-cli-no-banner --color off
