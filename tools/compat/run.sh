#!/usr/bin/env bash
# Compatibility suite: drives a real `./stevedore serve` with the aws CLI and boto3 through the seed
# walkthrough (../shared/scenarios/seed-scale-up.md). Skips (exit 0, with a note) when neither client is
# installed. Usage: tools/compat/run.sh   (builds the jar if needed)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
if ! command -v aws >/dev/null && ! python3 -c "import boto3" 2>/dev/null; then
  echo "compat: neither the aws CLI nor boto3 is installed; skipped"; exit 0
fi
data="$(mktemp -d)"; log="$data/serve.log"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
./stevedore serve --port "$port" --data-dir "$data/state" --speed 50 >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 120); do curl -fs "$endpoint/_stevedore/health" >/dev/null 2>&1 && break; sleep 0.5; done
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""

if command -v aws >/dev/null; then
  a() { aws --endpoint-url "$endpoint" "$@"; }
  subnets="$(a ec2 describe-subnets --query 'Subnets[0:3].SubnetId' --output text | tr '\t' ',')"
  sg="$(a ec2 describe-security-groups --query 'SecurityGroups[0].GroupId' --output text)"
  a ecs create-cluster --cluster-name ec2-managed >/dev/null
  a ecs create-capacity-provider --name ec2-managed-mi --cluster ec2-managed --managed-instances-provider "{
    \"infrastructureRoleArn\": \"arn:aws:iam::000000000000:role/ecsInfrastructureRole\",
    \"propagateTags\": \"CAPACITY_PROVIDER\",
    \"instanceLaunchTemplate\": {
      \"ec2InstanceProfileArn\": \"arn:aws:iam::000000000000:instance-profile/ecsInstanceRole\",
      \"monitoring\": \"BASIC\", \"storageConfiguration\": {\"storageSizeGiB\": 16},
      \"networkConfiguration\": {\"subnets\": [\"${subnets//,/\",\"}\"], \"securityGroups\": [\"$sg\"]},
      \"instanceRequirements\": {\"vCpuCount\": {\"min\": 2, \"max\": 4}, \"memoryMiB\": {\"min\": 2048, \"max\": 16384},
        \"instanceGenerations\": [\"current\", \"previous\"], \"cpuManufacturers\": [\"amazon-web-services\"],
        \"burstablePerformance\": \"included\", \"bareMetal\": \"excluded\"}}}" >/dev/null
  a ecs put-cluster-capacity-providers --cluster ec2-managed --capacity-providers '[]' \
    --default-capacity-provider-strategy capacityProvider=ec2-managed-mi,base=0,weight=100 >/dev/null
  a ecs register-task-definition --family test-ecs-task --cpu 512 --memory 1024 --network-mode awsvpc \
    --requires-compatibilities MANAGED_INSTANCES --runtime-platform operatingSystemFamily=LINUX,cpuArchitecture=ARM64 \
    --container-definitions '[{"name":"web","image":"public.ecr.aws/nginx/nginx:latest","essential":true,"portMappings":[{"containerPort":80,"protocol":"tcp"}]}]' >/dev/null
  net="awsvpcConfiguration={subnets=[$subnets],securityGroups=[$sg]}"
  a ecs create-service --cluster ec2-managed --service-name test-ecs-service --task-definition test-ecs-task \
    --desired-count 1 --network-configuration "$net" >/dev/null
  a ecs wait services-stable --cluster ec2-managed --services test-ecs-service
  a ecs update-service --cluster ec2-managed --service test-ecs-service --desired-count 30 >/dev/null
  a ecs wait services-stable --cluster ec2-managed --services test-ecs-service
  running="$(a ecs describe-services --cluster ec2-managed --services test-ecs-service --query 'services[0].runningCount' --output text)"
  [[ "$running" == 30 ]] || { echo "compat: expected 30 running tasks, got $running"; exit 1; }
  echo "aws CLI: fleet for 30 tasks of 512 cpu / 1024 MiB:"
  a ec2 describe-instances --filters "Name=tag:aws:ecs:clusterName,Values=ec2-managed" "Name=instance-state-name,Values=running" \
    --query 'Reservations[*].Instances[*].[InstanceType]' --output text | tr '\t' '\n' | sort | uniq -c
  task="$(a ecs run-task --cluster ec2-managed --task-definition test-ecs-task --network-configuration "$net" --query 'tasks[0].taskArn' --output text)"
  a ecs wait tasks-running --cluster ec2-managed --tasks "$task"
  a ecs stop-task --cluster ec2-managed --task "$task" >/dev/null
  a ecs wait tasks-stopped --cluster ec2-managed --tasks "$task"
  echo "aws CLI: run-task / tasks-running / stop-task / tasks-stopped ok"
fi
if python3 -c "import boto3" 2>/dev/null; then
  python3 tools/compat/seed_boto3.py "$endpoint"
fi
curl -fs -X POST "$endpoint/moto-api/reset" >/dev/null
echo "compat: ok"
