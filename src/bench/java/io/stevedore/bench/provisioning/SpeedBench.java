package io.stevedore.bench.provisioning;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.provisioning.Zone;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** 100,000 pending tasks in 10,000 services, three zones, every priced us-east-1 type MI may launch. */
final class SpeedBench {
    static final List<Zone> ZONES = List.of(new Zone("subnet-a", "us-east-1a"), new Zone("subnet-b", "us-east-1b"),
            new Zone("subnet-c", "us-east-1c"));
    private static final int[] CPUS = {256, 512, 1024, 2048, 4096};
    private static final double[] GIB_PER_VCPU = {1, 2, 3, 4, 6, 8};

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Result(int tasks, int services, int shapes, int offerings, double medianMs, double minMs,
                  long allocatedMiB, long retainedMiB, int instances, double costPerHour, double cpuUtil,
                  double memUtil, double medianCpuMs) {
    }

    record Scale(int tasks, int services, double medianMs, double medianCpuMs) {
    }

    /** Plan time for 5 … 100,000 pending tasks (services = tasks / 10, at least 2). */
    static List<Scale> scaling(List<Offering> offerings) {
        List<Scale> out = new ArrayList<>();
        Provisioner p = new Provisioner();
        for (int tasks : new int[] {5, 100, 1_000, 10_000, 100_000}) {
            int services = Math.max(2, tasks / 10);
            ProvisioningRequest req = new ProvisioningRequest(services(7, services, tasks), offerings, ZONES);
            int runs = tasks >= 100_000 ? 3 : tasks >= 10_000 ? 5 : 21;
            for (int i = 0; i < Math.max(3, runs / 2); i++) {
                p.plan(req);
            }
            double[] ms = new double[runs];
            double[] cpu = new double[runs];
            for (int i = 0; i < runs; i++) {
                long c0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                p.plan(req);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                cpu[i] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            Arrays.sort(ms);
            Arrays.sort(cpu);
            out.add(new Scale(tasks, services, ms[runs / 2], cpu[runs / 2]));
        }
        return out;
    }

    static List<PendingGroup> services(long seed, int services, int tasks) {
        Random r = new Random(seed);
        int[] counts = new int[services];
        Arrays.fill(counts, 1);
        for (int i = services; i < tasks; i++) {
            counts[r.nextInt(services)]++;
        }
        List<PendingGroup> groups = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            int cpu = CPUS[r.nextInt(CPUS.length)];
            long mem = Math.round(cpu * GIB_PER_VCPU[r.nextInt(GIB_PER_VCPU.length)]);
            Architecture a = r.nextInt(3) == 0 ? Architecture.ARM64 : Architecture.X86_64;
            groups.add(new PendingGroup("svc-" + i, TaskDemand.awsvpc(cpu, mem, a), counts[i]));
        }
        return groups;
    }

    static Result run(List<Offering> offerings, int repeats) {
        List<PendingGroup> groups = services(42, 10_000, 100_000);
        ProvisioningRequest req = new ProvisioningRequest(groups, offerings, ZONES);
        Provisioner p = new Provisioner();
        for (int i = 0; i < 3; i++) {
            p.plan(req);
        }
        double[] ms = new double[repeats];
        double[] cpu = new double[repeats];
        LaunchPlan plan = null;
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = 0;
        for (int i = 0; i < repeats; i++) {
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            plan = p.plan(req);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            allocated = threads.getCurrentThreadAllocatedBytes() - a0;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long retained = rt.totalMemory() - rt.freeMemory();
        int shapes = (int) groups.stream().map(PendingGroup::demand).distinct().count();
        return new Result(100_000, 10_000, shapes, offerings.size(), ms[repeats / 2], ms[0], allocated >> 20,
                retained >> 20, plan.instances().size(), plan.totalPerHour(), plan.cpuUtilization(),
                plan.memoryUtilization(), cpu[repeats / 2]);
    }

    public static void main(String[] args) {
        List<Offering> offerings = io.stevedore.control.scheduling.CapacityOfferings.load().everyType("us-east-1", io.stevedore.catalog.PurchaseOption.ON_DEMAND);
        System.out.println(run(offerings, 5));
        System.out.println(scaling(offerings));
    }
}
