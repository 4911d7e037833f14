package io.stevedore.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.cloud.Instance;
import io.stevedore.sim.workload.SimWorkload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Applies the workload's fault injections to the simulated cloud: terminations (and Spot interruptions: a notice
 * the control plane drains on, then a termination after two minutes) through {@link io.stevedore.cloud.CloudProvider
 * #terminate} and {@link io.stevedore.control.FaultInjector}, impairments through the fault injector (auto repair),
 * capacity shortages through the simulated EC2's unavailable types (per zone when the fault names one). What happens next is the control plane's business.
 * Each application is logged for the report.
 */
final class Faults {
    static final Duration SPOT_NOTICE = Duration.ofMinutes(2);
    private final ControlPlane plane;
    private final Recorder recorder;
    private final SplittableRandom random;
    private final ArrayNode log = JsonNodeFactory.instance.arrayNode();
    private final Set<String> shortTypes = new LinkedHashSet<>();

    Faults(ControlPlane plane, Recorder recorder, SplittableRandom random) {
        this.plane = plane;
        this.recorder = recorder;
        this.random = random;
    }

    ArrayNode log() {
        return log;
    }

    /** Applies {@code f} now; returns the follow-up (time offset, action) when there is one, else null. */
    void apply(SimWorkload.FaultSpec f, long now, Scheduler later) {
        ObjectNode e = log.addObject().put("atSeconds", (now - Simulator.EPOCH.toEpochMilli()) / 1000)
                .put("type", f.type().wire());
        switch (f.type()) {
            case TERMINATE_INSTANCE -> {
                List<String> ids = pick(candidates(false, f), f);
                ids.forEach(id -> terminate(id, "faultTerminated"));
                e.put("instances", ids.size()).put("detail", "terminated " + ids);
            }
            case SPOT_INTERRUPTION -> {
                List<String> ids = pick(candidates(true, f), f);
                ids.forEach(id -> {
                    recorder.causeOfEnd(id, "spotInterruption");
                    plane.faults().spotInterruption(id); // the control plane drains on the notice
                });
                e.put("instances", ids.size()).put("detail", "interruption notice; terminated after "
                        + SPOT_NOTICE.toSeconds() + " s: " + ids);
                later.at(now + SPOT_NOTICE.toMillis(), () -> ids.forEach(id -> terminate(id, "spotInterruption")));
            }
            case CAPACITY_SHORTAGE -> {
                if (f.availabilityZone() != null) {
                    f.instanceTypes().forEach(t -> plane.faults().shortage(t, f.availabilityZone(), true));
                    later.at(now + f.lasting().toMillis(), () -> f.instanceTypes()
                            .forEach(t -> plane.faults().shortage(t, f.availabilityZone(), false)));
                } else {
                    shortTypes.addAll(f.instanceTypes());
                    plane.database().run(() -> plane.cloud().setUnavailableTypes(shortTypes));
                    later.at(now + f.lasting().toMillis(), () -> {
                        f.instanceTypes().forEach(shortTypes::remove);
                        plane.database().run(() -> plane.cloud().setUnavailableTypes(shortTypes));
                    });
                }
                e.put("detail", "no capacity for " + f.instanceTypes() + (f.availabilityZone() == null ? ""
                        : " in " + f.availabilityZone()) + " for " + f.lasting().toSeconds() + " s");
            }
            case IMPAIR_INSTANCE -> {
                List<String> ids = new ArrayList<>(pick(candidates(false, f), f));
                ids.removeIf(id -> !plane.faults().runningInstances().contains(id)); // registered ones only
                ids.forEach(id -> plane.faults().impair(id, true, "CONTAINER_RUNTIME", "injected by the workload"));
                e.put("instances", ids.size()).put("detail", "impaired (auto repair replaces them when ENABLED): "
                        + ids);
            }
            default -> throw new IllegalStateException(f.type().toString());
        }
    }

    /** Running instances (Spot ones only when {@code spotOnly}) of the fault's types, id order. */
    private List<String> candidates(boolean spotOnly, SimWorkload.FaultSpec f) {
        List<String> out = new ArrayList<>();
        for (Instance i : plane.database().transaction(() -> plane.cloud().list())) {
            if (!"running".equals(i.state()) && !"pending".equals(i.state())) {
                continue;
            }
            if (!f.instanceTypes().isEmpty() && !f.instanceTypes().contains(i.instanceType())) {
                continue;
            }
            if (f.availabilityZone() != null && !f.availabilityZone().equals(i.availabilityZone())) {
                continue;
            }
            Recorder.LaunchedInstance l = recorder.instances().get(i.id());
            if (spotOnly && (l == null || l.option != PurchaseOption.SPOT)) {
                continue;
            }
            out.add(i.id());
        }
        return out;
    }

    /** {@code count} of them, or {@code fraction} (rounded up), or one; a seeded choice. */
    private List<String> pick(List<String> from, SimWorkload.FaultSpec f) {
        int n = f.count() > 0 ? f.count() : f.fraction() > 0 ? (int) Math.ceil(f.fraction() * from.size()) : 1;
        List<String> pool = new ArrayList<>(from);
        List<String> out = new ArrayList<>();
        while (out.size() < n && !pool.isEmpty()) {
            out.add(pool.remove(random.nextInt(pool.size())));
        }
        out.sort(null);
        return out;
    }

    private void terminate(String id, String cause) {
        recorder.causeOfEnd(id, cause);
        plane.database().run(() -> plane.cloud().terminate(id));
    }

    /** Schedules follow-ups. */
    @FunctionalInterface
    interface Scheduler {
        void at(long time, Runnable action);
    }
}
