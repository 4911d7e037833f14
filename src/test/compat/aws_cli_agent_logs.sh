#!/usr/bin/env bash
# A task that really runs, with the aws CLI against $ENDPOINT: one `stevedore agent` (an external instance on this
# machine's Docker Engine, its own data directory) joins a cluster; a task definition with compatibility EXTERNAL
# whose busybox container prints a known line through the awslogs log driver runs with
# `aws ecs run-task --launch-type EXTERNAL`; once it stopped (exit code 0), `aws logs get-log-events` on the stream
# prefix/container/task-id returns that line. Skips, saying why, when `docker info` fails; fails instead under
# STEVEDORE_REQUIRE_DOCKER=1 (as CI sets it). Needs /usr/bin/busybox for the image (imported when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
ecs() { aws --endpoint-url "$ENDPOINT" ecs "$@"; }
logs() { aws --endpoint-url "$ENDPOINT" logs "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! why=$(docker info 2>&1 >/dev/null); then
  [[ "${STEVEDORE_REQUIRE_DOCKER:-}" == "1" ]] && fail "STEVEDORE_REQUIRE_DOCKER=1 but \`docker info\` failed: $why"
  echo "SKIP: no Docker Engine (\`docker info\` failed: $(head -1 <<<"$why"))"
  exit 0
fi

image=stevedore-compat/busybox:1
cluster=compat-external
group=/ecs/compat-agent
line="stevedore compat: hello from a real container"
work="$(mktemp -d)"
agent=""
instance=""
cleanup() {
  if [[ -n "$agent" ]]; then kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true; fi
  if [[ -n "$instance" ]]; then
    ids=$(docker ps -aq --filter "label=io.stevedore.container-instance=$instance")
    [[ -z "$ids" ]] || docker rm -f $ids >/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! docker image inspect "$image" >/dev/null 2>&1; then
  [[ -x /usr/bin/busybox ]] || fail "/usr/bin/busybox is missing (install busybox-static) to build $image"
  mkdir -p "$work/rootfs/bin"
  cp /usr/bin/busybox "$work/rootfs/bin/busybox"
  for applet in sh echo sleep; do ln -s busybox "$work/rootfs/bin/$applet"; done
  tar -C "$work/rootfs" -c . | docker import - "$image" >/dev/null
fi

ecs create-cluster --cluster-name "$cluster" >/dev/null
"$root/stevedore" agent --endpoint "$ENDPOINT" --cluster "$cluster" --data-dir "$work/agent" --poll-wait 5 \
  --memory 512 --cpu 1024 >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 120); do
  grep -q "registered arn:" "$work/agent.log" && break
  kill -0 "$agent" 2>/dev/null || fail "the agent exited: $(cat "$work/agent.log")"
  sleep 0.5
done
instance=$(grep -o "registered arn:[^ ]*" "$work/agent.log" | head -1 | cut -d' ' -f2)
[[ -n "$instance" ]] || fail "the agent did not register within 60 s: $(cat "$work/agent.log")"
echo "agent registered $instance"

containers=$(python3 -c '
import json, sys
print(json.dumps([{"name": "talker", "image": sys.argv[1], "essential": True,
                   "command": ["sh", "-c", "echo \"$LINE\""], "environment": [{"name": "LINE", "value": sys.argv[2]}],
                   "logConfiguration": {"logDriver": "awslogs", "options": {
                       "awslogs-group": sys.argv[3], "awslogs-region": "us-east-1",
                       "awslogs-stream-prefix": "compat", "awslogs-create-group": "true"}}}]))' \
  "$image" "$line" "$group")
ecs register-task-definition --family compat-talker --requires-compatibilities EXTERNAL --network-mode bridge \
  --cpu 128 --memory 64 --container-definitions "$containers" >/dev/null
task=$(ecs run-task --cluster "$cluster" --task-definition compat-talker --launch-type EXTERNAL \
  --query 'tasks[0].taskArn' --output text)
[[ "$task" == arn:aws:ecs:* ]] || fail "run-task: $task"
status=""
for _ in $(seq 1 240); do
  status=$(ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].lastStatus' --output text)
  [[ "$status" == STOPPED ]] && break
  sleep 0.5
done
[[ "$status" == STOPPED ]] || fail "task $task is $status after 120 s; agent log: $(tail -20 "$work/agent.log")"
exit_code=$(ecs describe-tasks --cluster "$cluster" --tasks "$task" --query 'tasks[0].containers[0].exitCode' \
  --output text)
[[ "$exit_code" == 0 ]] || fail "the container exited with $exit_code"

stream="compat/talker/${task##*/}"
got=""
for _ in $(seq 1 40); do # the agent ships the output as it reads it; the last batch may follow the stop
  got=$(logs get-log-events --log-group-name "$group" --log-stream-name "$stream" --start-from-head \
    --query 'events[].message' --output text 2>/dev/null || true)
  [[ "$got" == "$line" ]] && break
  sleep 0.5
done
[[ "$got" == "$line" ]] || fail "get-log-events $group $stream: '$got', expected '$line'"
echo "task ${task##*/} ran on $instance and stopped; $group $stream holds: $got"
