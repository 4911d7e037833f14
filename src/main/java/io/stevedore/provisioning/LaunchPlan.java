package io.stevedore.provisioning;

import java.util.ArrayList;
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

    /** The plan launching {@code instances}: costs and fill summed over them. */
    public static LaunchPlan of(List<PlannedInstance> instances, List<Unplaceable> unplaceable) {
        double ec2 = 0;
        double fee = 0;
        long cpuA = 0;
        long cpuR = 0;
        long memA = 0;
        long memR = 0;
        for (PlannedInstance i : instances) {
            ec2 += i.offering().pricePerHour();
            fee += i.offering().feePerHour();
            cpuA += i.allocated().cpu();
            cpuR += i.registered().cpu();
            memA += i.allocated().memoryMiB();
            memR += i.registered().memoryMiB();
        }
        return new LaunchPlan(instances, ec2, fee, cpuA, cpuR, memA, memR, unplaceable);
    }

    /** Several plans as one: their instances and unplaceable groups in order, totals summed over the instances. */
    public static LaunchPlan merge(List<LaunchPlan> plans) {
        if (plans.size() == 1) {
            return plans.get(0);
        }
        List<PlannedInstance> instances = new ArrayList<>();
        List<Unplaceable> unplaceable = new ArrayList<>();
        for (LaunchPlan p : plans) {
            instances.addAll(p.instances());
            unplaceable.addAll(p.unplaceable());
        }
        return of(instances, unplaceable);
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
