#!/usr/bin/env python3
"""boto3 against a running `./stevedore serve` ($ENDPOINT): clusters, task definitions with pagination,
errors with ECS exception types, RunTask/StopTask with waiters. Exits non-zero on the first failure."""
import os
import sys

import boto3
import botocore.exceptions

ENDPOINT = os.environ["ENDPOINT"]
ecs = boto3.client("ecs", endpoint_url=ENDPOINT, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
ec2 = boto3.client("ec2", endpoint_url=ENDPOINT, region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
FAST = {"Delay": 1, "MaxAttempts": 120}


def check(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
        sys.exit(1)


def expect_error(code, fn, **kwargs):
    try:
        fn(**kwargs)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        check(got == code, "%s: expected %s, got %s (%s)" % (fn.__name__, code, got, e))
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "HTTP status 400")
        return e.response["Error"]["Message"]
    check(False, "%s accepted invalid input %r" % (fn.__name__, kwargs))


cluster = "boto3-cluster"
arn = ecs.create_cluster(clusterName=cluster)["cluster"]["clusterArn"]
check(arn.startswith("arn:aws:ecs:us-east-1:") and arn.endswith(":cluster/" + cluster), "cluster ARN " + arn)
expect_error("ClusterNotFoundException", ecs.list_services, cluster="no-such-cluster")
expect_error("ClientException", ecs.register_task_definition, family="bad",
             requiresCompatibilities=["MANAGED_INSTANCES"], networkMode="bridge", cpu="256", memory="512",
             containerDefinitions=[{"name": "c", "image": "nginx"}])

for i in range(12):
    ecs.register_task_definition(family="pagefam", cpu="256", memory="512", networkMode="awsvpc",
                                 requiresCompatibilities=["MANAGED_INSTANCES", "FARGATE"],
                                 containerDefinitions=[{"name": "c", "image": "nginx", "essential": True}])
arns = []
for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix="pagefam",
                                                               PaginationConfig={"PageSize": 5}):
    check(len(page["taskDefinitionArns"]) <= 5, "page size honoured")
    arns += page["taskDefinitionArns"]
check(len(arns) == 12 and len(set(arns)) == 12, "12 revisions over pages, got %d" % len(arns))

subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
check(len(subnets) >= 2, "default VPC has one subnet per AZ")
ecs.create_capacity_provider(
    cluster=cluster, name="boto3-mi",
    managedInstancesProvider={
        "infrastructureRoleArn": "arn:aws:iam::000000000000:role/ecsInfrastructureRole",
        "instanceLaunchTemplate": {
            "ec2InstanceProfileArn": "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole",
            "networkConfiguration": {"subnets": subnets},
            "instanceRequirements": {"vCpuCount": {"min": 2}, "memoryMiB": {"min": 2048}}}})
cps = ecs.describe_capacity_providers(capacityProviders=["boto3-mi"], cluster=cluster)["capacityProviders"]
check(cps and cps[0]["status"] == "ACTIVE", "capacity provider ACTIVE")

task = ecs.run_task(cluster=cluster, taskDefinition="pagefam", count=2,
                    capacityProviderStrategy=[{"capacityProvider": "boto3-mi", "weight": 1}],
                    networkConfiguration={"awsvpcConfiguration": {"subnets": subnets}})
check(len(task["tasks"]) == 2 and not task["failures"], "RunTask count=2")
task_arns = [t["taskArn"] for t in task["tasks"]]
ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=task_arns, WaiterConfig=FAST)
described = ecs.describe_tasks(cluster=cluster, tasks=task_arns)["tasks"]
check(all(t["lastStatus"] == "RUNNING" and t.get("startedAt") for t in described), "tasks RUNNING with startedAt")
check(all(t["attachments"][0]["type"] == "ElasticNetworkInterface" for t in described), "awsvpc ENI attachment")
for a in task_arns:
    ecs.stop_task(cluster=cluster, task=a, reason="boto3 done")
ecs.get_waiter("tasks_stopped").wait(cluster=cluster, tasks=task_arns, WaiterConfig=FAST)
stopped = ecs.describe_tasks(cluster=cluster, tasks=task_arns)["tasks"]
check(all(t["stopCode"] == "UserInitiated" and t["stoppedReason"] == "boto3 done" for t in stopped), "stopCode")
print("boto3 suite passed")
