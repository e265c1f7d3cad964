#!/usr/bin/env bash
# Type-check flow.mjs (JSDoc types, no emit) against OUT_DIR/schema.d.ts from
# generate.sh, so a contract change that breaks the SDK's calls is caught.
# Usage: typecheck.sh OUT_DIR
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$1" && pwd)
[ -f "$out/schema.d.ts" ] || { echo "typecheck.sh: $out/schema.d.ts missing; run generate.sh first" >&2; exit 1; }
cd "$here"
bash ../../npm-ci.sh .
cfg=$(mktemp -d)
trap 'rm -rf "$cfg"' EXIT
cat >"$cfg/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "allowJs": true,
    "checkJs": true,
    "noEmit": true,
    "strict": false,
    "skipLibCheck": true,
    "typeRoots": ["$here/node_modules/@types"],
    "types": ["node"],
    "baseUrl": "$here",
    "paths": {"chatapi-schema": ["$out/schema.d.ts"]}
  },
  "files": ["$here/flow.mjs"]
}
JSON
node_modules/.bin/tsc -p "$cfg/tsconfig.json"
echo "typecheck: flow.mjs matches $out/schema.d.ts"
