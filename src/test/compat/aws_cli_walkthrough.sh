#!/usr/bin/env bash
# The seed scale-up walkthrough with the aws CLI against $ENDPOINT. Fails on the first wrong answer.
set -euo pipefail
ecs() { aws --endpoint-url "$ENDPOINT" ecs "$@"; }
ec2() { aws --endpoint-url "$ENDPOINT" ec2 "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cluster=ec2-managed
ecs create-cluster --cluster-name "$cluster" >/dev/null
subnets=$(ec2 describe-subnets --query 'Subnets[].SubnetId' --output text | tr '\t' ',')
sg=$(ec2 describe-security-groups --query 'SecurityGroups[0].GroupId' --output text)
[[ -n "$subnets" && "$sg" == sg-* ]] || fail "default VPC not discoverable (subnets='$subnets' sg='$sg')"
first_subnets="[\"${subnets//,/\",\"}\"]"

ecs create-capacity-provider --cluster "$cluster" --name mi-provider --managed-instances-provider "{
  \"infrastructureRoleArn\": \"arn:aws:iam::000000000000:role/ecsInfrastructureRole\",
  \"propagateTags\": \"CAPACITY_PROVIDER\",
  \"instanceLaunchTemplate\": {
    \"ec2InstanceProfileArn\": \"arn:aws:iam::000000000000:instance-profile/ecsInstanceRole\",
    \"monitoring\": \"BASIC\",
    \"storageConfiguration\": {\"storageSizeGiB\": 16},
    \"networkConfiguration\": {\"subnets\": $first_subnets, \"securityGroups\": [\"$sg\"]},
    \"instanceRequirements\": {\"vCpuCount\": {\"min\": 2, \"max\": 4}, \"memoryMiB\": {\"min\": 2048, \"max\": 16384},
      \"instanceGenerations\": [\"current\", \"previous\"], \"cpuManufacturers\": [\"amazon-web-services\"],
      \"burstablePerformance\": \"included\", \"bareMetal\": \"excluded\"}}}" >/dev/null

# An invalid provider is refused with ECS's exception type (exit code 254/255 from the CLI, message on stderr).
if err=$(ecs create-capacity-provider --cluster "$cluster" --name bad-provider --managed-instances-provider \
    '{"infrastructureRoleArn":"not-an-arn","instanceLaunchTemplate":{"ec2InstanceProfileArn":"arn:aws:iam::000000000000:instance-profile/x","networkConfiguration":{"subnets":["subnet-1"]}}}' 2>&1); then
  fail "invalid capacity provider accepted"
fi
grep -q "InvalidParameterException\|ClientException" <<<"$err" || fail "unexpected error: $err"

# As the seed's Terraform does (aws_ecs_cluster_capacity_providers with the MI provider listed and the default
# strategy base 0, weight 100 on it), which succeeded on AWS.
assoc=$(ecs put-cluster-capacity-providers --cluster "$cluster" --capacity-providers mi-provider \
  --default-capacity-provider-strategy capacityProvider=mi-provider,weight=100,base=0 \
  --query 'cluster.capacityProviders' --output text)
[[ "$assoc" == "mi-provider" ]] || fail "cluster capacity providers after PutClusterCapacityProviders: '$assoc'"
ecs register-task-definition --family test-ecs-task --cpu 512 --memory 1024 --network-mode awsvpc \
  --requires-compatibilities MANAGED_INSTANCES --runtime-platform cpuArchitecture=ARM64,operatingSystemFamily=LINUX \
  --task-role-arn arn:aws:iam::000000000000:role/ecsTaskRole \
  --execution-role-arn arn:aws:iam::000000000000:role/ecsTaskExecutionRole \
  --container-definitions '[{"name":"web","image":"public.ecr.aws/nginx/nginx:latest","essential":true,"portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}]}]' >/dev/null
ecs create-service --cluster "$cluster" --service-name test-ecs-service --task-definition test-ecs-task --desired-count 1 \
  --enable-ecs-managed-tags \
  --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$sg]}" >/dev/null
ecs update-service --cluster "$cluster" --service test-ecs-service --desired-count 30 >/dev/null
ecs wait services-stable --cluster "$cluster" --services test-ecs-service
running=$(ecs describe-services --cluster "$cluster" --services test-ecs-service --query 'services[0].runningCount' --output text)
[[ "$running" == 30 ]] || fail "runningCount $running, expected 30"
# The deployment as a service deployment (ListServiceDeployments, DescribeServiceDeployments/Revisions).
sd=$(ecs list-service-deployments --cluster "$cluster" --service test-ecs-service \
  --query 'serviceDeployments[0].[status,serviceDeploymentArn]' --output text)
[[ "$sd" == SUCCESSFUL*service-deployment/$cluster/test-ecs-service/* ]] || fail "service deployment '$sd'"
revision=$(ecs describe-service-deployments --service-deployment-arns "${sd##*[[:space:]]}" \
  --query 'serviceDeployments[0].targetServiceRevision.arn' --output text)
td=$(ecs describe-service-revisions --service-revision-arns "$revision" --query 'serviceRevisions[0].taskDefinition' \
  --output text)
[[ "$td" == *task-definition/test-ecs-task:* ]] || fail "service revision task definition '$td'"

echo "fleet for 30 tasks (512 cpu / 1024 MiB, ARM64, awsvpc):"
fleet=$(ec2 describe-instances --filters "Name=tag:aws:ecs:clusterName,Values=$cluster" \
  "Name=instance-state-name,Values=running" --query 'Reservations[*].Instances[*].[InstanceType]' --output text \
  | tr '\t' '\n' | sort | uniq -c)
echo "$fleet"
awk '{n+=$1} END {exit n>0?0:1}' <<<"$fleet" || fail "no instances visible through EC2 DescribeInstances"

arn=$(ecs run-task --cluster "$cluster" --task-definition test-ecs-task \
  --network-configuration "awsvpcConfiguration={subnets=[$subnets]}" --query 'tasks[0].taskArn' --output text)
ecs wait tasks-running --cluster "$cluster" --tasks "$arn"
ecs stop-task --cluster "$cluster" --task "$arn" --reason "compat suite" >/dev/null
ecs wait tasks-stopped --cluster "$cluster" --tasks "$arn"
reason=$(ecs describe-tasks --cluster "$cluster" --tasks "$arn" --query 'tasks[0].stoppedReason' --output text)
[[ "$reason" == "compat suite" ]] || fail "stoppedReason '$reason'"
echo "aws CLI walkthrough passed"
