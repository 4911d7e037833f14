package io.stevedore.control;

import io.stevedore.cloud.Instance;
import io.stevedore.cloud.simulated.SimulatedEc2;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.ecs.Errors;
import io.stevedore.store.Database;
import io.stevedore.wire.AwsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Fault injection into the simulated provider, for the admin API ({@code POST /_stevedore/faults}), the CLI
 * ({@code stevedore fault}) and the simulator: terminate or impair an instance, a Spot interruption notice, a
 * capacity shortage of a type (in one zone or all), the launch latency. Each call is one transaction; what
 * happens next is the control plane's business.
 */
public final class FaultInjector {
    /** Health check types an impairment may name (ECS {@code InstanceHealthCheckType}, MI ones). */
    public static final Set<String> CHECK_TYPES = Set.of("CONTAINER_RUNTIME", "ACCELERATED_COMPUTE", "DAEMON",
            "AGENT_CONNECTIVITY");

    private final Database db;
    private final SimulatedEc2 cloud;
    private final Reconciler reconciler;
    private final EcsState state;
    private final double speed;

    public FaultInjector(Database db, SimulatedEc2 cloud, Reconciler reconciler, EcsState state, double speed) {
        this.db = db;
        this.cloud = cloud;
        this.reconciler = reconciler;
        this.state = state;
        this.speed = speed;
    }

    private void requireInstance(String instanceId) {
        if (instanceId == null || state.instances.get(instanceId).isEmpty()) {
            throw new AwsException("InvalidParameterException", 400, "instanceId: no managed instance '"
                    + instanceId + "'");
        }
    }

    /** Terminates an instance as EC2 would (its tasks stop on the next tick). */
    public void terminate(String instanceId) {
        db.run(() -> {
            requireInstance(instanceId);
            cloud.terminate(instanceId);
        });
    }

    /** Marks a registered instance IMPAIRED with a health check of {@code checkType} (OK again with false). */
    public void impair(String instanceId, boolean impaired, String checkType, String reason) {
        String type = checkType == null ? "CONTAINER_RUNTIME" : checkType;
        if (!CHECK_TYPES.contains(type)) {
            throw new AwsException("InvalidParameterException", 400, "checkType must be one of " + CHECK_TYPES);
        }
        db.run(() -> {
            requireInstance(instanceId);
            try {
                reconciler.lifecycle().setHealth(instanceId, impaired, type, reason == null
                        ? (impaired ? "injected fault" : "recovered") : reason);
            } catch (IllegalArgumentException e) {
                throw new AwsException("InvalidParameterException", 400, e.getMessage());
            }
        });
    }

    /** A Spot interruption notice: drained now, reclaimed by EC2 two minutes later. */
    public void spotInterruption(String instanceId) {
        db.run(() -> {
            requireInstance(instanceId);
            reconciler.lifecycle().spotNotice(instanceId);
        });
    }

    /** Launches of {@code type} fail with insufficient capacity in {@code availabilityZone} (null = every zone). */
    public void shortage(String type, String availabilityZone, boolean on) {
        if (type == null || type.isEmpty()) {
            throw new AwsException("InvalidParameterException", 400, "instanceType must be given");
        }
        db.run(() -> {
            List<String> zones = availabilityZone == null ? SimulatedEc2.zones(cloud.network().subnets().get(0)
                    .availabilityZone().replaceAll("[a-z]$", "")) : List.of(availabilityZone);
            for (String z : zones) {
                cloud.setUnavailable(type, z, on);
            }
        });
    }

    /** How long new instances take to boot (simulated time: divided by the server's speed like every delay). */
    public void launchLatency(Duration latency) {
        if (latency != null && latency.isNegative()) {
            throw new AwsException("InvalidParameterException", 400, "launchLatency must be >= 0 seconds");
        }
        db.run(() -> cloud.setLaunchLatency(latency == null ? null
                : io.stevedore.control.state.Timings.div(latency, speed)));
    }

    /** Attaches a maintenance window (ranges or cron form; null removes it) to a provider of a cluster. */
    public void eventWindow(String cluster, String capacityProvider, String expression) {
        db.run(() -> {
            String clusterArn = state.clusters.values(c -> c.clusterName().equals(Context.clusterName(cluster)))
                    .stream().map(c -> c.clusterArn()).findFirst().orElseThrow(Errors::clusterNotFound);
            if (state.capacityProviders.get(capacityProvider).isEmpty()) {
                throw new AwsException("InvalidParameterException", 400, "capacityProvider: no capacity provider '"
                        + capacityProvider + "'");
            }
            try {
                reconciler.lifecycle().setWindow(clusterArn, capacityProvider, expression);
            } catch (IllegalArgumentException e) {
                throw new AwsException("InvalidParameterException", 400, "eventWindow: " + e.getMessage());
            }
        });
    }

    /** Running instances, id order (for picking fault targets). */
    public List<String> runningInstances() {
        return db.transaction(() -> {
            List<String> out = new ArrayList<>();
            for (Instance i : cloud.list()) {
                if ("running".equals(i.state()) && state.instances.get(i.id()).isPresent()) {
                    out.add(i.id());
                }
            }
            out.sort(null);
            return out;
        });
    }
}
