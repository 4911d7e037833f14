package io.stevedore.ecs;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The values of the {@link ServiceQuota}s one control plane enforces: AWS's defaults unless configured
 * ({@code serve --quota NAME=VALUE}, {@code serve --quota-file FILE}). Immutable.
 */
public final class Quotas {
    private static final Quotas DEFAULTS = new Quotas(new EnumMap<>(ServiceQuota.class));

    /** Only the configured values; the others are their defaults. */
    private final EnumMap<ServiceQuota, Integer> configured;

    private Quotas(EnumMap<ServiceQuota, Integer> configured) {
        this.configured = configured;
    }

    /** Every quota at AWS's default value. */
    public static Quotas defaults() {
        return DEFAULTS;
    }

    /** These values with {@code quota} set to {@code value} (at least 1). */
    public Quotas with(ServiceQuota quota, int value) {
        Objects.requireNonNull(quota, "quota");
        if (value < 1) {
            throw new IllegalArgumentException("service quota " + quota.key() + " must be at least 1: " + value);
        }
        EnumMap<ServiceQuota, Integer> m = new EnumMap<>(ServiceQuota.class);
        m.putAll(configured);
        if (value == quota.defaultValue()) {
            m.remove(quota);
        } else {
            m.put(quota, value);
        }
        return new Quotas(m);
    }

    /** These values with each {@code NAME=VALUE} applied in order ({@code services-per-cluster=3}). */
    public Quotas with(Collection<String> assignments) {
        Quotas q = this;
        for (String a : assignments) {
            int eq = a == null ? -1 : a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a service quota is NAME=VALUE (services-per-cluster=3), not '"
                        + a + "'");
            }
            String value = a.substring(eq + 1).trim().replace("_", "").replace(",", "");
            int v;
            try {
                v = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("service quota " + a.substring(0, eq).trim()
                        + " needs a whole number, not '" + a.substring(eq + 1) + "'");
            }
            q = q.with(ServiceQuota.ofKey(a.substring(0, eq).trim()), v);
        }
        return q;
    }

    /** The value of {@code quota}. */
    public int get(ServiceQuota quota) {
        Integer v = configured.get(quota);
        return v != null ? v : quota.defaultValue();
    }

    /** The values that differ from AWS's defaults. */
    public Map<ServiceQuota, Integer> configured() {
        return java.util.Collections.unmodifiableMap(configured);
    }

    /** Refuses, as ECS does, when {@code count} (what the call would leave) exceeds the quota. */
    public void check(ServiceQuota quota, long count) {
        int limit = get(quota);
        if (count > limit) {
            throw quota.exceeded(limit);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quotas q && q.configured.equals(configured);
    }

    @Override
    public int hashCode() {
        return configured.hashCode();
    }

    @Override
    public String toString() {
        return configured.isEmpty() ? "AWS defaults" : configured.entrySet().stream()
                .map(e -> e.getKey().key() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }
}
