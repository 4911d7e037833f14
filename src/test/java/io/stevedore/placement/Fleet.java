package io.stevedore.placement;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test fleets of real catalog types. */
public final class Fleet {
    static final InstanceCatalog CATALOG = InstanceCatalog.load();
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final List<InstanceView> instances = new ArrayList<>();

    public static InstanceType type(String name) {
        return CATALOG.find(name).orElseThrow();
    }

    /** Adds an empty ACTIVE instance; ids are ci-000, ci-001, … in insertion order. */
    Fleet add(String type, String az) {
        return add(type, az, "mi", Map.of());
    }

    Fleet add(String type, String az, String provider, Map<String, String> custom) {
        InstanceType t = type(type);
        Architecture arch = t.supports(Architecture.ARM64) ? Architecture.ARM64 : Architecture.X86_64;
        int n = instances.size();
        instances.add(InstanceView.fresh(String.format("ci-%03d", n), String.format("i-%03d", n), t, arch, az,
                "subnet-" + az, provider, T0.plusSeconds(n), custom));
        return this;
    }

    /** Replaces the last instance. */
    Fleet mapLast(java.util.function.UnaryOperator<InstanceView> f) {
        instances.set(instances.size() - 1, f.apply(instances.get(instances.size() - 1)));
        return this;
    }

    List<InstanceView> instances() {
        return instances;
    }

    ClusterSnapshot snapshot() {
        return ClusterSnapshot.of(instances);
    }

    static TaskDemand task(int cpu, long memory) {
        return TaskDemand.awsvpc(cpu, memory, Architecture.X86_64);
    }
}
