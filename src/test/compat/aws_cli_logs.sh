#!/usr/bin/env bash
# CloudWatch Logs with the aws CLI against $ENDPOINT: a log group and stream as the awslogs driver makes them,
# put-log-events (with a stale sequence token, which CloudWatch Logs now ignores), get-log-events from the head
# and from the tail, filter-log-events with a term, a quoted phrase and a stream prefix, retention and tags.
# The aws CLI v1 installed here has no `aws logs tail` (a CLI v2 command); boto3_logs.py follows a stream the way
# it does. Fails on the first wrong answer.
set -euo pipefail
logs() { aws --endpoint-url "$ENDPOINT" logs "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
group=/ecs/compat-web

logs create-log-group --log-group-name "$group" --tags team=web
out=$(logs create-log-group --log-group-name "$group" 2>&1) && fail "a second create-log-group was accepted"
grep -q "ResourceAlreadyExistsException" <<<"$out" || fail "duplicate group: $out"
logs create-log-stream --log-group-name "$group" --log-stream-name ecs/web/task-1
logs create-log-stream --log-group-name "$group" --log-stream-name ecs/web/task-2
now=$(python3 -c 'import time; print(int(time.time() * 1000))')
token=$(logs put-log-events --log-group-name "$group" --log-stream-name ecs/web/task-1 \
  --log-events "timestamp=$((now - 3000)),message=GET /index 200" "timestamp=$((now - 2000)),message=ERROR connection refused" \
  --query nextSequenceToken --output text)
[[ "$token" =~ ^[0-9]{56}$ ]] || fail "nextSequenceToken $token"
logs put-log-events --log-group-name "$group" --log-stream-name ecs/web/task-2 --sequence-token stale \
  --log-events "timestamp=$((now - 2500)),message=WARN slow request" "timestamp=$((now - 1000)),message=ERROR disk full" \
  >/dev/null
out=$(logs put-log-events --log-group-name "$group" --log-stream-name ecs/web/task-2 \
  --log-events "timestamp=$now,message=b" "timestamp=$((now - 1)),message=a" 2>&1) && fail "unordered batch accepted"
grep -q "must be in chronological order" <<<"$out" || fail "unordered batch: $out"

head=$(logs get-log-events --log-group-name "$group" --log-stream-name ecs/web/task-1 --start-from-head \
  --query 'events[].message' --output text)
[[ "$head" == $'GET /index 200\tERROR connection refused' ]] || fail "get-log-events from the head: $head"
last=$(logs get-log-events --log-group-name "$group" --log-stream-name ecs/web/task-1 --limit 1 \
  --query 'events[].message' --output text)
[[ "$last" == "ERROR connection refused" ]] || fail "get-log-events --limit 1 (the newest): $last"

errors=$(logs filter-log-events --log-group-name "$group" --filter-pattern ERROR --query 'events[].message' --output text)
[[ "$errors" == $'ERROR connection refused\tERROR disk full' ]] || fail "filter ERROR: $errors"
phrase=$(logs filter-log-events --log-group-name "$group" --filter-pattern '"slow request"' \
  --query 'events[].logStreamName' --output text)
[[ "$phrase" == "ecs/web/task-2" ]] || fail "filter on a quoted phrase: $phrase"
count=$(logs filter-log-events --log-group-name "$group" --log-stream-name-prefix ecs/web/task-1 \
  --query 'length(events)' --output text)
[[ "$count" == 2 ]] || fail "filter by stream prefix: $count events"
all=$(logs filter-log-events --log-group-name "$group" --query 'events[].message' --output text)
[[ "$all" == $'GET /index 200\tWARN slow request\tERROR connection refused\tERROR disk full' ]] \
  || fail "filter-log-events interleaves streams by timestamp: $all"

logs put-retention-policy --log-group-name "$group" --retention-in-days 7
days=$(logs describe-log-groups --log-group-name-prefix /ecs/compat --query 'logGroups[0].retentionInDays' --output text)
[[ "$days" == 7 ]] || fail "retention $days"
out=$(logs put-retention-policy --log-group-name "$group" --retention-in-days 8 2>&1) && fail "8 days accepted"
grep -q "InvalidParameterException" <<<"$out" || fail "retention of 8 days: $out"
streams=$(logs describe-log-streams --log-group-name "$group" --order-by LastEventTime --descending \
  --query 'logStreams[].logStreamName' --output text)
[[ "$streams" == $'ecs/web/task-2\tecs/web/task-1' ]] || fail "streams by last event time: $streams"
team=$(logs list-tags-log-group --log-group-name "$group" --query 'tags.team' --output text)
[[ "$team" == web ]] || fail "tags: $team"
out=$(logs get-log-events --log-group-name /ecs/none --log-stream-name x 2>&1) && fail "missing group answered"
grep -q "The specified log group does not exist." <<<"$out" || fail "missing group: $out"
logs delete-log-group --log-group-name "$group"
echo "aws logs: groups, streams, put/get/filter, retention and tags as CloudWatch Logs answers them"
