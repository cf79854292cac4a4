#!/usr/bin/env bash
# Runs the conformance suites of ../shared/conformance against a gateway started here on a
# scratch SQLite file; each suite prints `<tool>: N passed, N failed` and fails the run on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED_DIR:-../shared}/conformance"
work="$(mktemp -d)"
port="${CONFORMANCE_PORT:-4517}"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

npm run build --silent
export SQLITE_PATH="$work/conformance.sqlite" PORT="$port" NODE_ENV=test SEED_DEMO_DATA=false
node dist/src/cli/keys.js create --workspace conformance --create-workspace --name conformance --authority ORG_ADMIN > "$work/key.txt"
key="$(tail -n1 "$work/key.txt")"
node dist/src/main.js > "$work/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.5; done

# The runners import their npm packages: run them from inside node_modules so they resolve ours.
runner="node_modules/.cache/conformance"
mkdir -p "$runner"
cp "$shared"/*.mjs "$shared"/*.json "$runner"/

node "$runner/graphql-http-audit.mjs" "http://127.0.0.1:$port/graphql" -H "authorization: Bearer $key"
# Microsoft's SCIM collection expects empty user and group stores: the conformance workspace has
# no users and no roles (its groups) until the collection creates them.
# Two requests are left out: they add the members "string id 1" and "string id 2" and expect 204.
# No request creates users with those ids and none can be made beforehand (ids are assigned by the
# server, and the collection counts its users), so passing them would take accepting unknown
# member ids, which are 400 invalidValue here (issue 10). README: "Conformance: two requests left out".
node "$runner/newman-scim.mjs" "$runner/scim-postman-collection.json" "http://127.0.0.1:$port/scim/v2" --token "$key" --standard-paths \
  --drop "Group patch add member" --drop "Group patch add member2"
