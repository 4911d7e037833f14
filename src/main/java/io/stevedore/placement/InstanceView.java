package io.stevedore.placement;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One container instance as placement sees it at snapshot time. Immutable.
 *
 * @param containerInstanceId the container instance id (ARN or short id); the stable tie-break of every sort
 * @param ec2InstanceId       the EC2 instance id ({@code i-...})
 * @param type                the instance type
 * @param architecture        the architecture the instance runs ({@code ecs.cpu-architecture})
 * @param availabilityZone    e.g. {@code us-east-1a}
 * @param subnetId            the subnet of the primary ENI
 * @param capacityProvider    the capacity provider that launched it
 * @param status              ECS status
 * @param agentConnected      whether the agent is connected
 * @param agentVersion        the agent version
 * @param registeredAt        registration time
 * @param attributes          every attribute: the {@code ecs.*} ones (see {@link #standardAttributes}) plus custom
 * @param registered          registered resources (type minus the OS/agent reservation)
 * @param remaining           registered minus what running tasks reserve
 * @param usedHostPorts       host ports bound by running tasks
 * @param taskGroups          running tasks per task group ({@code service:name}, {@code family:name}, custom)
 * @param runningTasksCount   running tasks over all groups (the sum of {@code taskGroups}, kept so snapshots that
 *                            reuse the view do not add it up again)
 */
public record InstanceView(String containerInstanceId, String ec2InstanceId, InstanceType type,
                           Architecture architecture, String availabilityZone, String subnetId,
                           String capacityProvider, InstanceStatus status, boolean agentConnected,
                           String agentVersion, Instant registeredAt, Map<String, String> attributes,
                           Resources registered, Resources remaining, Set<Integer> usedHostPorts,
                           Map<String, Integer> taskGroups, int runningTasksCount) {
    public static final String ATTR_INSTANCE_TYPE = "ecs.instance-type";
    public static final String ATTR_AZ = "ecs.availability-zone";
    public static final String ATTR_ARCH = "ecs.cpu-architecture";
    public static final String ATTR_OS = "ecs.os-type";
    public static final String ATTR_SUBNET = "ecs.subnet-id";

    public InstanceView {
        Objects.requireNonNull(containerInstanceId, "containerInstanceId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(availabilityZone, "availabilityZone");
        Objects.requireNonNull(capacityProvider, "capacityProvider");
        Objects.requireNonNull(status, "status");
        attributes = Map.copyOf(attributes);
        usedHostPorts = Set.copyOf(usedHostPorts);
        taskGroups = Map.copyOf(taskGroups);
        if (runningTasksCount != sum(taskGroups)) {
            throw new IllegalArgumentException(containerInstanceId + ": running tasks " + runningTasksCount
                    + " differ from the groups' sum");
        }
        if (!remaining.isNonNegative()) {
            throw new IllegalArgumentException(containerInstanceId + ": remaining resources are negative");
        }
    }

    /** A view whose running task count is the sum of {@code taskGroups}. */
    public InstanceView(String containerInstanceId, String ec2InstanceId, InstanceType type,
                        Architecture architecture, String availabilityZone, String subnetId,
                        String capacityProvider, InstanceStatus status, boolean agentConnected,
                        String agentVersion, Instant registeredAt, Map<String, String> attributes,
                        Resources registered, Resources remaining, Set<Integer> usedHostPorts,
                        Map<String, Integer> taskGroups) {
        this(containerInstanceId, ec2InstanceId, type, architecture, availabilityZone, subnetId, capacityProvider,
                status, agentConnected, agentVersion, registeredAt, attributes, registered, remaining, usedHostPorts,
                taskGroups, sum(taskGroups));
    }

    private static int sum(Map<String, Integer> groups) {
        int n = 0;
        for (int c : groups.values()) {
            n += c;
        }
        return n;
    }

    /** A just-registered, empty, ACTIVE instance with the standard attributes plus {@code custom}. */
    public static InstanceView fresh(String containerInstanceId, String ec2InstanceId, InstanceType type,
                                     Architecture arch, String az, String subnetId, String capacityProvider,
                                     Instant registeredAt, Map<String, String> custom) {
        Resources reg = InstanceReservation.registered(type);
        return new InstanceView(containerInstanceId, ec2InstanceId, type, arch, az, subnetId, capacityProvider,
                InstanceStatus.ACTIVE, true, "1.0.0", registeredAt,
                standardAttributes(type, arch, az, subnetId, custom), reg, reg, Set.of(), Map.of());
    }

    /** The {@code ecs.*} attributes ECS sets on every Managed Instances container instance, plus {@code custom}. */
    public static Map<String, String> standardAttributes(InstanceType type, Architecture arch, String az,
                                                         String subnetId, Map<String, String> custom) {
        Map<String, String> a = new LinkedHashMap<>(custom);
        a.put(ATTR_INSTANCE_TYPE, type.name());
        a.put(ATTR_AZ, az);
        a.put(ATTR_ARCH, arch.ec2Name());
        a.put(ATTR_OS, "linux");
        if (subnetId != null) {
            a.put(ATTR_SUBNET, subnetId);
        }
        return a;
    }

    /** A copy with another status (e.g. DRAINING). */
    public InstanceView withStatus(InstanceStatus newStatus) {
        return new InstanceView(containerInstanceId, ec2InstanceId, type, architecture, availabilityZone, subnetId,
                capacityProvider, newStatus, agentConnected, agentVersion, registeredAt, attributes, registered,
                remaining, usedHostPorts, taskGroups, runningTasksCount);
    }

    /** A copy with tasks already running: {@code used} resources, host ports and group counts. */
    public InstanceView withRunning(Resources used, Set<Integer> ports, Map<String, Integer> groups) {
        return new InstanceView(containerInstanceId, ec2InstanceId, type, architecture, availabilityZone, subnetId,
                capacityProvider, status, agentConnected, agentVersion, registeredAt, attributes, registered,
                registered.minus(used), ports, groups);
    }
}
