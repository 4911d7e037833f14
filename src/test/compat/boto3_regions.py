#!/usr/bin/env python3
"""Every region at one endpoint, with boto3 against a running `./stevedore serve` ($ENDPOINT): the same cluster,
capacity provider, task definition and task created in us-east-1 and us-west-2; each region sees its own state,
ARNs, default subnets and fleet. A region without price data and a name that is no region are refused with clear
4xx answers. Exits non-zero on the first failure."""
import os
import sys

import boto3
import botocore.exceptions

ENDPOINT = os.environ["ENDPOINT"]
REGIONS = ["us-east-1", "us-west-2"]
FAST = {"Delay": 1, "MaxAttempts": 120}
CLUSTER = "twin-regions"


def client(service, region):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test")


def check(cond, what):
    if not cond:
        print("FAIL: " + what, file=sys.stderr)
        sys.exit(1)


def refused(fn, **kwargs):
    try:
        fn(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"], \
            e.response["Error"]["Message"]
    check(False, "%s was answered, expected a refusal" % fn.__name__)


seen = {}
for region in REGIONS:
    ecs, ec2 = client("ecs", region), client("ec2", region)
    arn = ecs.create_cluster(clusterName=CLUSTER)["cluster"]["clusterArn"]
    check(arn == "arn:aws:ecs:%s:000000000000:cluster/%s" % (region, CLUSTER), "cluster ARN in %s: %s" % (region, arn))
    subnets = ec2.describe_subnets()["Subnets"]
    check(subnets and all(s["AvailabilityZone"].startswith(region) for s in subnets),
          "%s's default subnets are in its zones: %s" % (region, [s["AvailabilityZone"] for s in subnets]))
    subnet_ids = [s["SubnetId"] for s in subnets]
    ecs.create_capacity_provider(
        cluster=CLUSTER, name="twin-mi",
        managedInstancesProvider={
            "infrastructureRoleArn": "arn:aws:iam::000000000000:role/ecsInfrastructureRole",
            "instanceLaunchTemplate": {
                "ec2InstanceProfileArn": "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole",
                "networkConfiguration": {"subnets": subnet_ids},
                "instanceRequirements": {"vCpuCount": {"min": 2}, "memoryMiB": {"min": 2048}}}})
    ecs.register_task_definition(family="twin", cpu="256", memory="512", networkMode="awsvpc",
                                 requiresCompatibilities=["MANAGED_INSTANCES"],
                                 containerDefinitions=[{"name": "c", "image": "nginx", "essential": True}])
    task = ecs.run_task(cluster=CLUSTER, taskDefinition="twin",
                        capacityProviderStrategy=[{"capacityProvider": "twin-mi", "weight": 1}],
                        networkConfiguration={"awsvpcConfiguration": {"subnets": subnet_ids}})["tasks"][0]
    check(task["taskArn"].startswith("arn:aws:ecs:%s:000000000000:task/%s/" % (region, CLUSTER)),
          "task ARN in %s: %s" % (region, task["taskArn"]))
    seen[region] = {"cluster": arn, "task": task["taskArn"], "subnets": set(subnet_ids)}

check(not (seen["us-east-1"]["subnets"] & seen["us-west-2"]["subnets"]), "each region has its own subnets")

for region in REGIONS:
    ecs, ec2 = client("ecs", region), client("ec2", region)
    mine = seen[region]
    check(ecs.list_clusters()["clusterArns"].count(mine["cluster"]) == 1 and all(
        ":%s:" % region in a for a in ecs.list_clusters()["clusterArns"]), "%s lists only its own clusters" % region)
    check(ecs.list_tasks(cluster=CLUSTER)["taskArns"] == [mine["task"]], "%s lists only its own task" % region)
    ecs.get_waiter("tasks_running").wait(cluster=CLUSTER, tasks=[mine["task"]], WaiterConfig=FAST)
    t = ecs.describe_tasks(cluster=CLUSTER, tasks=[mine["task"]])["tasks"][0]
    check(t["availabilityZone"].startswith(region), "task runs in %s: %s" % (region, t["availabilityZone"]))
    check(t["containerInstanceArn"].startswith("arn:aws:ecs:%s:" % region), "container instance ARN in region")
    instances = [i for r in ec2.describe_instances(Filters=[{"Name": "tag:aws:ecs:clusterName",
                                                             "Values": [CLUSTER]}])["Reservations"]
                 for i in r["Instances"]]
    check(len(instances) == 1 and instances[0]["SubnetId"] in mine["subnets"],
          "%s's EC2 view shows its own instance in its own subnet: %s" % (region, instances))
    other = [r for r in REGIONS if r != region][0]
    described = ecs.describe_tasks(cluster=CLUSTER, tasks=[seen[other]["task"]])
    check(not described["tasks"] and described["failures"], "%s does not see %s's task" % (region, other))

# deleting in one region leaves the other
client("ecs", "us-west-2").stop_task(cluster=CLUSTER, task=seen["us-west-2"]["task"])
west_task = client("ecs", "us-west-2").describe_tasks(cluster=CLUSTER, tasks=[seen["us-west-2"]["task"]])["tasks"][0]
east_task = client("ecs", "us-east-1").describe_tasks(cluster=CLUSTER, tasks=[seen["us-east-1"]["task"]])["tasks"][0]
check(west_task["desiredStatus"] == "STOPPED" and east_task["desiredStatus"] == "RUNNING",
      "stopping us-west-2's task leaves us-east-1's running")

status, code, message = refused(client("ecs", "cn-north-1").list_clusters)
check(status == 400 and code == "UnsupportedFeatureException" and "cn-north-1" in message
      and "no EC2 On-Demand prices" in message, "a region without prices: %s %s %s" % (status, code, message))
status, code, message = refused(client("ecs", "xx-moon-1").list_clusters)
check(status == 400 and code == "InvalidSignatureException" and "not an AWS Region" in message,
      "a name that is no region: %s %s %s" % (status, code, message))
print("boto3 regions: the same cluster in %s, each with its own ARNs, subnets and fleet; cn-north-1 and xx-moon-1"
      " refused" % " and ".join(REGIONS))
