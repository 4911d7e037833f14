#!/usr/bin/env python3
"""CloudWatch Logs with boto3 against a running `./stevedore serve` ($ENDPOINT): a follower reads a stream with
GetLogEvents' nextForwardToken while a writer appends (the token comes back unchanged while nothing is new, as the
awslogs readers and `aws logs tail` expect), then `aws logs tail --follow`'s own loop (CLI v2: FilterLogEvents from
the last timestamp seen, de-duplicated by eventId) sees each event once; the paginators of DescribeLogStreams and
FilterLogEvents, and a second region's separate logs. Exits non-zero on the first failure."""
import os
import sys
import threading
import time

import boto3
import botocore.exceptions

ENDPOINT = os.environ["ENDPOINT"]


def client(region="us-east-1"):
    return boto3.client("logs", endpoint_url=ENDPOINT, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test")


def check(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
        sys.exit(1)


logs = client()
GROUP, STREAM = "/ecs/compat-follow", "ecs/app/task-1"
logs.create_log_group(logGroupName=GROUP)
logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)


def now_ms():
    return int(time.time() * 1000)


def writer():
    for batch in range(5):
        logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM, logEvents=[
            {"timestamp": now_ms(), "message": "line %d.%d" % (batch, i)} for i in range(3)])
        time.sleep(0.2)


# GetLogEvents follow loop: startFromHead, then the forward token until 15 lines arrived
first = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
check(first["events"] == [], "an empty stream has no events")
token = first["nextForwardToken"]
again = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True, nextToken=token)
check(again["nextForwardToken"] == token, "the forward token comes back while nothing is new")
thread = threading.Thread(target=writer)
thread.start()
seen = []
deadline = time.time() + 20
while len(seen) < 15 and time.time() < deadline:
    page = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True, nextToken=token)
    seen += [e["message"] for e in page["events"]]
    if page["nextForwardToken"] == token:
        time.sleep(0.1)
    token = page["nextForwardToken"]
thread.join()
check(seen == ["line %d.%d" % (b, i) for b in range(5) for i in range(3)], "followed lines: %s" % seen)
print("boto3: followed %d lines with nextForwardToken" % len(seen))

# `aws logs tail --follow` (CLI v2): FilterLogEvents from the newest timestamp seen, eventIds de-duplicated
ids, tailed = set(), []
start = 0
for round_ in range(3):
    if round_ == 1:
        logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM,
                            logEvents=[{"timestamp": now_ms(), "message": "tail %d" % i} for i in range(2)])
    for page in logs.get_paginator("filter_log_events").paginate(logGroupName=GROUP, startTime=start):
        for e in page["events"]:
            if e["eventId"] not in ids:
                ids.add(e["eventId"])
                tailed.append(e["message"])
                start = max(start, e["timestamp"])
check(tailed == seen + ["tail 0", "tail 1"], "tail --follow saw each event once: %s" % tailed)
print("boto3: FilterLogEvents follow loop (aws logs tail --follow) saw %d events once each" % len(tailed))

for i in range(7):
    logs.create_log_stream(logGroupName=GROUP, logStreamName="extra-%d" % i)
names = [s["logStreamName"] for p in logs.get_paginator("describe_log_streams").paginate(
    logGroupName=GROUP, PaginationConfig={"PageSize": 3}) for s in p["logStreams"]]
check(len(names) == 8 and names == sorted(names), "paginated streams: %s" % names)
try:
    logs.put_log_events(logGroupName=GROUP, logStreamName="missing",
                        logEvents=[{"timestamp": now_ms(), "message": "x"}])
    check(False, "PutLogEvents to a missing stream was accepted")
except logs.exceptions.ResourceNotFoundException as e:
    check("The specified log stream does not exist." in str(e), str(e))

west = client("us-west-2")
check(west.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"] == [], "us-west-2 has its own log groups")
west.create_log_group(logGroupName=GROUP)
arn = west.describe_log_groups(logGroupNamePrefix=GROUP)["logGroups"][0]["arn"]
check(arn.startswith("arn:aws:logs:us-west-2:"), arn)
logs.delete_log_group(logGroupName=GROUP)
west.delete_log_group(logGroupName=GROUP)
print("boto3: logs per region, paginators and errors as CloudWatch Logs answers them")
