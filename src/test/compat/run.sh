#!/usr/bin/env bash
# Compatibility suite: drives a real `./stevedore serve` with the aws CLI and boto3.
# Usage: src/test/compat/run.sh        (called by .ci/run; needs python3 with awscli + boto3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
work="$(mktemp -d)"
port="${STEVEDORE_COMPAT_PORT:-$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')}"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export ENDPOINT="http://127.0.0.1:$port"
log="$work/server.log"

./stevedore serve --port "$port" --data-dir "$work/data" --speed 200 >"$log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  if curl -s -o /dev/null "$ENDPOINT/" -X POST -H 'X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters' \
      -H 'Content-Type: application/x-amz-json-1.1' -d '{}'; then break; fi
  sleep 0.5
done

echo "== aws CLI walkthrough (../shared/scenarios/seed-scale-up.md)"
bash "$root/src/test/compat/aws_cli_walkthrough.sh"
echo "== aws CLI Service Auto Scaling (application-autoscaling, cloudwatch)"
bash "$root/src/test/compat/aws_cli_autoscaling.sh"
echo "== aws CLI CloudWatch Logs"
bash "$root/src/test/compat/aws_cli_logs.sh"
echo "== aws CLI: an EXTERNAL task on a stevedore agent, its output in CloudWatch Logs"
bash "$root/src/test/compat/aws_cli_agent_logs.sh"
echo "== boto3 CloudWatch Logs: following a stream"
python3 "$root/src/test/compat/boto3_logs.py"
echo "== boto3 suite"
python3 "$root/src/test/compat/boto3_suite.py"
echo "== boto3: every region at one endpoint"
python3 "$root/src/test/compat/boto3_regions.py"
echo "== web console of the running server"
grep -q "web console on $ENDPOINT/console/" "$log" || { echo "FAIL: serve did not print the console's address" >&2; exit 1; }
jar=$(mktemp); page=$(curl -sf -c "$jar" "$ENDPOINT/console/")
grep -q "<title>Stevedore console</title>" <<<"$page" || { echo "FAIL: /console/ is not the console" >&2; exit 1; }
curl -sf -b "$jar" "$ENDPOINT/console/api/cluster?name=ec2-managed" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c["counts"]["instances"] > 0 and c["cost"]["totalPerHour"] > 0, c
print("console: %d instances, $%.4f/h now (Fargate, same running tasks: $%.4f/h)" % (
    c["counts"]["instances"], c["cost"]["totalPerHour"], c["cost"]["fargatePerHour"]))'
rm -f "$jar"
echo "== compatibility suite passed"
