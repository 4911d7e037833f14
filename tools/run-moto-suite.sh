#!/usr/bin/env bash
# Runs moto's own ECS test suite in moto's server mode against `./stevedore serve` (docs/compatibility.md).
# Usage: tools/run-moto-suite.sh MOTO_CHECKOUT [pytest args…]
#   MOTO_CHECKOUT: a directory holding moto's tests/ (tests/test_ecs, tests/__init__.py, tests/conftest.py,
#   tests/markers.py, tests/test_ec2/{__init__,helpers}.py) at the tag of the installed moto (pip install moto==X).
#   This script fetches nothing; without the checkout it says so and exits 0, so it never fails a build that
#   cannot reach GitHub.
# Environment: STEVEDORE_MOTO_PORT (default 5000), STEVEDORE_MOTO_LOG (server log; default a temp file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
checkout="${1:-}"
if [[ -z "$checkout" || ! -d "$checkout/tests/test_ecs" ]]; then
  echo "run-moto-suite: no moto checkout with tests/test_ecs given ('${checkout}'); nothing run" >&2
  exit 0
fi
shift
port="${STEVEDORE_MOTO_PORT:-5000}"
work="$(mktemp -d)"
log="${STEVEDORE_MOTO_LOG:-$work/server.log}"
# moto's tests assert ARNs with its default account 123456789012 and sign with the fake key FOOBARKEY.
"$root/stevedore" serve --port "$port" --data-dir "$work/data" --account-id 123456789012 --any-access-key \
  --speed 1000 >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/_stevedore/health" && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
cd "$checkout"
export TEST_SERVER_MODE=true TEST_SERVER_MODE_ENDPOINT="http://localhost:$port"
export AWS_ACCESS_KEY_ID=FOOBARKEY AWS_SECRET_ACCESS_KEY=FOOBARSECRET AWS_DEFAULT_REGION=us-east-1
status=0
python3 -m pytest -p no:cacheprovider -q -rfE tests/test_ecs "$@" || status=$?
exit "$status"
