"""boto3 half of the compatibility suite: the seed walkthrough's calls and waiters through botocore's own ECS
and EC2 models against a running `stevedore serve` (endpoint in argv[1])."""
import sys
from collections import Counter

import boto3

endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
ecs = boto3.client("ecs", **kw)
ec2 = boto3.client("ec2", **kw)
fast = {"Delay": 1, "MaxAttempts": 120}

subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:3]
sg = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
ecs.create_cluster(clusterName="boto3-cluster")
ecs.create_capacity_provider(name="boto3-mi", cluster="boto3-cluster", managedInstancesProvider={
    "infrastructureRoleArn": "arn:aws:iam::000000000000:role/ecsInfrastructureRole",
    "instanceLaunchTemplate": {
        "ec2InstanceProfileArn": "arn:aws:iam::000000000000:instance-profile/ecsInstanceRole",
        "networkConfiguration": {"subnets": subnets, "securityGroups": [sg]},
        "instanceRequirements": {"vCpuCount": {"min": 2, "max": 4}, "memoryMiB": {"min": 2048, "max": 16384},
                                 "cpuManufacturers": ["amazon-web-services"], "burstablePerformance": "included"}}})
ecs.put_cluster_capacity_providers(cluster="boto3-cluster", capacityProviders=[],
                                   defaultCapacityProviderStrategy=[{"capacityProvider": "boto3-mi", "weight": 1}])
ecs.register_task_definition(family="boto3-task", cpu="1000", memory="3500", networkMode="awsvpc",
                             requiresCompatibilities=["MANAGED_INSTANCES"],
                             runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
                             containerDefinitions=[{"name": "web", "image": "nginx", "essential": True}])
net = {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg]}}
ecs.create_service(cluster="boto3-cluster", serviceName="svc", taskDefinition="boto3-task", desiredCount=10,
                   networkConfiguration=net)
ecs.get_waiter("services_stable").wait(cluster="boto3-cluster", services=["svc"], WaiterConfig=fast)
svc = ecs.describe_services(cluster="boto3-cluster", services=["svc"])["services"][0]
assert svc["runningCount"] == 10, svc

arns = [t["taskArn"] for t in ecs.run_task(cluster="boto3-cluster", taskDefinition="boto3-task", count=2,
                                            networkConfiguration=net)["tasks"]]
ecs.get_waiter("tasks_running").wait(cluster="boto3-cluster", tasks=arns, WaiterConfig=fast)
for a in arns:
    ecs.stop_task(cluster="boto3-cluster", task=a, reason="compat suite")
ecs.get_waiter("tasks_stopped").wait(cluster="boto3-cluster", tasks=arns, WaiterConfig=fast)

pages = ec2.get_paginator("describe_instances").paginate(Filters=[
    {"Name": "tag:aws:ecs:clusterName", "Values": ["boto3-cluster"]},
    {"Name": "instance-state-name", "Values": ["running"]}])
fleet = Counter(i["InstanceType"] for p in pages for r in p["Reservations"] for i in r["Instances"])
assert sum(fleet.values()) > 0, fleet
print("boto3: 10 tasks of 1000 cpu / 3500 MiB on", dict(fleet))
