package io.stevedore.bench.console;

import io.stevedore.control.ControlKit;
import io.stevedore.control.state.EcsState;
import java.time.Duration;
import java.util.List;

/** Builds cluster {@code c}: a Managed Instances provider limited to c7g.large and one service whose tasks each fill one. */
final class Fleet {
    private Fleet() {
    }

    static void build(ControlKit kit, int instances) {
        List<String> subnets = kit.plane().cloud().network().subnets().stream().map(s -> s.id()).toList();
        String sg = kit.plane().cloud().network().securityGroups().get(0).id();
        kit.callJson("CreateCluster", "{\"clusterName\":\"c\"}");
        kit.callJson("CreateCapacityProvider", """
                {"name":"c-mi","cluster":"c","managedInstancesProvider":{
                  "infrastructureRoleArn":"arn:aws:iam::000000000000:role/ecsInfrastructureRole",
                  "instanceLaunchTemplate":{
                    "ec2InstanceProfileArn":"arn:aws:iam::000000000000:instance-profile/ecsInstanceRole",
                    "networkConfiguration":{"subnets":["%s","%s","%s"],"securityGroups":["%s"]},
                    "instanceRequirements":{"vCpuCount":{"min":2,"max":2},"memoryMiB":{"min":2048},
                      "allowedInstanceTypes":["c7g.large"]}}}}""".formatted(subnets.get(0), subnets.get(1),
                subnets.get(2), sg));
        kit.callJson("PutClusterCapacityProviders", "{\"cluster\":\"c\",\"capacityProviders\":[],"
                + "\"defaultCapacityProviderStrategy\":[{\"capacityProvider\":\"c-mi\",\"weight\":1}]}");
        kit.callJson("RegisterTaskDefinition", """
                {"family":"worker","cpu":"2048","memory":"2048","networkMode":"awsvpc",
                 "requiresCompatibilities":["MANAGED_INSTANCES"],
                 "runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"},
                 "containerDefinitions":[{"name":"w","image":"public.ecr.aws/example/worker:1","essential":true}]}""");
        kit.callJson("CreateService", """
                {"cluster":"c","serviceName":"workers","taskDefinition":"worker","desiredCount":%d,
                 "networkConfiguration":{"awsvpcConfiguration":{"subnets":["%s","%s","%s"]}}}"""
                .formatted(instances, subnets.get(0), subnets.get(1), subnets.get(2)));
        String clusterArn = kit.plane().config().arnPrefix() + "cluster/c";
        kit.runUntil(instances + " tasks running", () -> kit.state().tasksByDesiredStatus
                .values(EcsState.desiredKey(clusterArn, "RUNNING")).stream()
                .filter(t -> "RUNNING".equals(t.lastStatus())).count() == instances, Duration.ofHours(6));
    }
}
