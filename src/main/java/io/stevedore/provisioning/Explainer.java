package io.stevedore.provisioning;

import io.stevedore.placement.Resources;
import io.stevedore.placement.TaskDemand;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Says why no allowed instance type can run a task, naming the deciding dimension and the closest offering, so a
 * person knows whether to change the task or the capacity provider's {@code instanceRequirements}.
 */
final class Explainer {
    private Explainer() {
    }

    /** Empty when some offering runs the task; otherwise the reason. */
    static Optional<Unplaceable> explain(String group, int count, TaskDemand d, List<Candidate> all) {
        if (all.isEmpty()) {
            return Optional.of(new Unplaceable(group, count, "offerings",
                    "the capacity provider allows no priced instance type in this region"));
        }
        List<Candidate> arch = new ArrayList<>();
        for (Candidate c : all) {
            if ((c.archMask() & Candidate.archBit(d.architecture())) != 0) {
                arch.add(c);
            }
        }
        if (arch.isEmpty()) {
            return Optional.of(new Unplaceable(group, count, "architecture", "no offered type supports "
                    + d.architecture().ec2Name() + " (the task's runtimePlatform.cpuArchitecture); allow types of"
                    + " that architecture in instanceRequirements or change the task definition"));
        }
        Resources need = d.resources();
        for (Check check : CHECKS) {
            Candidate top = arch.stream().max(Comparator.comparingLong((Candidate c) -> check.get.applyAsLong(
                    c.capacity())).thenComparing(Candidate.ORDER.reversed())).orElseThrow();
            long most = check.get.applyAsLong(top.capacity());
            long asked = check.get.applyAsLong(need);
            if (asked > most) {
                return Optional.of(new Unplaceable(group, count, check.dimension, check.message(asked, most,
                        top.name())));
            }
        }
        for (Candidate c : arch) {
            if (c.capacity().fits(need)) {
                return Optional.empty();
            }
        }
        Candidate closest = arch.stream().max(Comparator.comparingLong((Candidate c) -> c.capacity().memoryMiB())
                .thenComparing(Candidate.ORDER.reversed())).orElseThrow();
        return Optional.of(new Unplaceable(group, count, "cpu+memory", "no offered type registers " + need.cpu()
                + " CPU units and " + need.memoryMiB() + " MiB together with " + need.gpus()
                + " GPUs; the type with the most memory, " + closest.name() + ", registers " + closest.capacity().cpu()
                + " CPU units and " + closest.capacity().memoryMiB() + " MiB"));
    }

    private record Check(String dimension, ToLongFunction<Resources> get, String what) {
        String message(long asked, long most, String type) {
            if (dimension.equals("eni")) {
                return "no offered type can attach an awsvpc task network interface (" + type
                        + " allows the most: " + most + "); allow types with more ENIs or use host network mode";
            }
            if (dimension.equals("gpu")) {
                return "no offered type has " + asked + " GPUs: the most is " + most + " (" + type
                        + "); allow GPU types in instanceRequirements (acceleratorTypes, acceleratorCount)";
            }
            return "task needs " + asked + " " + what + " but the largest allowed type registers " + most + " ("
                    + type + "); raise the " + (dimension.equals("cpu") ? "vCpuCount" : "memoryMiB")
                    + " maximum in instanceRequirements or lower the task's " + dimension;
        }
    }

    private static final List<Check> CHECKS = List.of(
            new Check("gpu", Resources::gpus, "GPUs"),
            new Check("cpu", r -> r.cpu(), "CPU units"),
            new Check("memory", Resources::memoryMiB, "MiB"),
            new Check("eni", Resources::enis, "ENIs"));
}
