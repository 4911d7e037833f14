#!/usr/bin/env bash
# Service Auto Scaling with the aws CLI against $ENDPOINT (server at --speed 200: a one-minute period lasts 0.3 s,
# a 300 s cooldown 1.5 s): a service whose tasks declare 300 % CPU between them is registered as a scalable target
# with a target tracking policy on CPU at 50 %, scales out, then back in when the load falls; the AWS/ECS metric
# and the custom queue metric are read back with get-metric-statistics. Fails on the first wrong answer.
set -euo pipefail
ecs() { aws --endpoint-url "$ENDPOINT" ecs "$@"; }
ec2() { aws --endpoint-url "$ENDPOINT" ec2 "$@"; }
aas() { aws --endpoint-url "$ENDPOINT" application-autoscaling "$@"; }
cw() { aws --endpoint-url "$ENDPOINT" cloudwatch "$@"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
desired() { ecs describe-services --cluster scaling --services web --query 'services[0].desiredCount' --output text; }
wait_desired() { # wait_desired N SECONDS
  for _ in $(seq 1 $(( $2 * 4 ))); do [[ "$(desired)" == "$1" ]] && return 0; sleep 0.25; done
  fail "desired count $(desired), expected $1"
}

subnets=$(ec2 describe-subnets --query 'Subnets[].SubnetId' --output text | tr '\t' ',')
ecs create-cluster --cluster-name scaling >/dev/null
ecs register-task-definition --family web-scaled --cpu 256 --memory 512 --network-mode awsvpc \
  --requires-compatibilities FARGATE \
  --container-definitions '[{"name":"web","image":"nginx","essential":true}]' >/dev/null
svc=$(ecs create-service --cluster scaling --service-name web --task-definition web-scaled --desired-count 1 \
  --launch-type FARGATE --tags key=stevedore:cpu-load,value=300 \
  --network-configuration "awsvpcConfiguration={subnets=[$subnets]}" --query 'service.serviceArn' --output text)

aas register-scalable-target --service-namespace ecs --resource-id service/scaling/web \
  --scalable-dimension ecs:service:DesiredCount --min-capacity 1 --max-capacity 10 >/dev/null
alarms=$(aas put-scaling-policy --service-namespace ecs --resource-id service/scaling/web \
  --scalable-dimension ecs:service:DesiredCount --policy-name cpu50 --policy-type TargetTrackingScaling \
  --target-tracking-scaling-policy-configuration \
  '{"TargetValue":50.0,"PredefinedMetricSpecification":{"PredefinedMetricType":"ECSServiceAverageCPUUtilization"}}' \
  --query 'length(Alarms)' --output text)
[[ "$alarms" == 2 ]] || fail "target tracking created $alarms alarms, expected 2"
wait_desired 6 60
echo "scaled out to 6 (300 % of one task at 50 % each)"
ecs tag-resource --resource-arn "$svc" --tags key=stevedore:cpu-load,value=60
wait_desired 2 60
echo "scaled in to 2 (60 % at 50 % each, rounded up)"
aas describe-scaling-activities --service-namespace ecs --resource-id service/scaling/web \
  --query 'ScalingActivities[].[Description,StatusCode]' --output text
n=$(aas describe-scaling-activities --service-namespace ecs --resource-id service/scaling/web \
  --query 'length(ScalingActivities)' --output text)
[[ "$n" -ge 2 ]] || fail "$n scaling activities"
cw describe-alarms --alarm-name-prefix TargetTracking-service/scaling/web \
  --query 'MetricAlarms[].[AlarmName,StateValue]' --output text

start=$(date -u -d '-10 minutes' +%Y-%m-%dT%H:%M:%SZ); end=$(date -u -d '+2 minutes' +%Y-%m-%dT%H:%M:%SZ)
points=$(cw get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization \
  --dimensions Name=ClusterName,Value=scaling Name=ServiceName,Value=web \
  --start-time "$start" --end-time "$end" --period 60 --statistics Average Maximum --query 'length(Datapoints)' \
  --output text)
[[ "$points" -ge 1 ]] || fail "no AWS/ECS CPUUtilization datapoints"
cw put-metric-data --namespace Stevedore/Queue --metric-name QueueDepth --dimensions QueueName=jobs \
  --value 120 --unit Count
avg=$(cw get-metric-statistics --namespace Stevedore/Queue --metric-name QueueDepth --dimensions Name=QueueName,Value=jobs \
  --start-time "$start" --end-time "$end" --period 600 --statistics Maximum --query 'Datapoints[0].Maximum' --output text)
[[ "$avg" == "120.0" ]] || fail "queue depth read back as '$avg'"
if err=$(cw put-metric-data --namespace AWS/ECS --metric-name X --value 1 2>&1); then fail "AWS/ namespace accepted"; fi
grep -q InvalidParameterValue <<<"$err" || fail "unexpected error: $err"
if err=$(aas put-scaling-policy --service-namespace ecs --resource-id service/scaling/none \
    --scalable-dimension ecs:service:DesiredCount --policy-name p --policy-type StepScaling \
    --step-scaling-policy-configuration '{"AdjustmentType":"ChangeInCapacity","StepAdjustments":[{"ScalingAdjustment":1}]}' 2>&1); then
  fail "policy on an unregistered target accepted"
fi
grep -q ObjectNotFoundException <<<"$err" || fail "unexpected error: $err"
aas deregister-scalable-target --service-namespace ecs --resource-id service/scaling/web \
  --scalable-dimension ecs:service:DesiredCount
echo "Service Auto Scaling with the aws CLI: ok"
