package io.stevedore.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The facts about one EC2 instance type that Stevedore decides on; reduced from EC2 DescribeInstanceTypes by
 * {@code tools/gen_catalog.py}. Immutable.
 *
 * @param name                 e.g. {@code c5.large}
 * @param vcpus                default vCPUs
 * @param memoryMiB            memory in MiB
 * @param architectures        supported ECS architectures (i386 and Mac variants are dropped)
 * @param cpuManufacturer      intel / amd / amazon-web-services / apple
 * @param currentGeneration    EC2's current-generation flag
 * @param burstable            burstable performance (T types)
 * @param bareMetal            a {@code .metal} type
 * @param nitro                runs on the Nitro hypervisor
 * @param maxNetworkInterfaces maximum ENIs
 * @param ipv4PerInterface     private IPv4 addresses per ENI
 * @param baselineNetworkGbps  baseline network bandwidth (sum over network cards)
 * @param peakNetworkGbps      peak network bandwidth (sum over network cards)
 * @param baselineEbsMbps      baseline EBS bandwidth (0 when not EBS-optimized)
 * @param localStorageGB       total instance store (0 when none)
 * @param localStorageTypes    disk kinds of the instance store: hdd and/or ssd
 * @param accelerators         GPUs, FPGAs, inference chips
 * @param hibernation          hibernation support
 * @param usageClasses         {@code on-demand}, {@code spot}, {@code capacity-block}
 * @param trunking             ENI trunking facts and the awsvpc task limit
 */
public record InstanceType(
        String name,
        int vcpus,
        long memoryMiB,
        Set<Architecture> architectures,
        CpuManufacturer cpuManufacturer,
        boolean currentGeneration,
        boolean burstable,
        boolean bareMetal,
        boolean nitro,
        int maxNetworkInterfaces,
        int ipv4PerInterface,
        double baselineNetworkGbps,
        double peakNetworkGbps,
        int baselineEbsMbps,
        long localStorageGB,
        Set<String> localStorageTypes,
        List<Accelerator> accelerators,
        boolean hibernation,
        Set<String> usageClasses,
        EniTrunking trunking) {

    public InstanceType {
        Objects.requireNonNull(name, "name");
        if (!name.contains(".")) {
            throw new IllegalArgumentException("instance type without a size: " + name);
        }
        if (vcpus <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException(name + ": vcpus and memory must be positive");
        }
        architectures = Set.copyOf(architectures);
        localStorageTypes = Set.copyOf(localStorageTypes);
        accelerators = List.copyOf(accelerators);
        usageClasses = Set.copyOf(usageClasses);
        Objects.requireNonNull(cpuManufacturer, "cpuManufacturer");
        Objects.requireNonNull(trunking, "trunking");
    }

    /** The family, e.g. {@code c5} for {@code c5.large}, {@code u-6tb1} for {@code u-6tb1.metal}. */
    public String family() {
        return name.substring(0, name.indexOf('.'));
    }

    /** The size, e.g. {@code large}. */
    public String size() {
        return name.substring(name.indexOf('.') + 1);
    }

    public boolean supports(Architecture architecture) {
        return architectures.contains(architecture);
    }

    /** Total devices of the given accelerator type. */
    public int acceleratorCount(AcceleratorType type) {
        int n = 0;
        for (Accelerator a : accelerators) {
            if (a.type() == type) {
                n += a.count();
            }
        }
        return n;
    }

    /** GPUs that ECS can hand out to tasks ({@code resourceRequirements} type GPU). */
    public int gpus() {
        return acceleratorCount(AcceleratorType.GPU);
    }

    public double memoryGiBPerVcpu() {
        return memoryMiB / 1024.0 / vcpus;
    }
}
