package io.stevedore.provisioning;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The provisioner's decision: instances to launch with their tasks, what they cost per hour, how full they are,
 * and which tasks cannot get capacity (with reasons).
 *
 * @param instances      the new instances, in a stable order (zone, then type, then fill)
 * @param ec2PerHour     EC2 USD per hour of all instances
 * @param feePerHour     Managed Instances management fee USD per hour
 * @param cpuAllocated   CPU units reserved by tasks over all planned instances
 * @param cpuRegistered  CPU units the planned instances register
 * @param memAllocated   MiB reserved by tasks
 * @param memRegistered  MiB the planned instances register
 * @param unplaceable    groups (or parts) without capacity and why
 */
public record LaunchPlan(List<PlannedInstance> instances, double ec2PerHour, double feePerHour, long cpuAllocated,
                         long cpuRegistered, long memAllocated, long memRegistered, List<Unplaceable> unplaceable) {
    public LaunchPlan {
        instances = List.copyOf(instances);
        unplaceable = List.copyOf(unplaceable);
    }

    public double totalPerHour() {
        return ec2PerHour + feePerHour;
    }

    /** Instance type name → how many to launch, in name order. */
    public Map<String, Integer> fleet() {
        Map<String, Integer> fleet = new TreeMap<>();
        for (PlannedInstance i : instances) {
            fleet.merge(i.offering().type().name(), 1, Integer::sum);
        }
        return fleet;
    }

    public double cpuUtilization() {
        return cpuRegistered == 0 ? 0 : (double) cpuAllocated / cpuRegistered;
    }

    public double memoryUtilization() {
        return memRegistered == 0 ? 0 : (double) memAllocated / memRegistered;
    }

    public int plannedTasks() {
        int n = 0;
        for (PlannedInstance i : instances) {
            n += i.taskCount();
        }
        return n;
    }
}
