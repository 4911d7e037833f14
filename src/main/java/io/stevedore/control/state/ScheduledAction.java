package io.stevedore.control.state;

/**
 * A scheduled action: at each time its schedule ({@code at(...)}, {@code rate(...)} or {@code cron(...)}, in its
 * time zone, between its start and end) names, the target's minimum and maximum become the given ones.
 *
 * @param minCapacity     the new minimum, or null to leave it
 * @param maxCapacity     the new maximum, or null to leave it
 * @param startMillis     0 = none
 * @param endMillis       0 = none
 * @param nextRunMillis   the next time it runs (Long.MAX_VALUE = never again)
 */
public record ScheduledAction(String arn, String name, String namespace, String resourceId, String dimension,
                              String schedule, String timezone, long startMillis, long endMillis,
                              Integer minCapacity, Integer maxCapacity, long createdMillis, long nextRunMillis) {
    public static String key(String namespace, String resourceId, String dimension, String name) {
        return ScalableTarget.key(namespace, resourceId, dimension) + "|" + name;
    }

    public String key() {
        return key(namespace, resourceId, dimension, name);
    }

    public String targetKey() {
        return ScalableTarget.key(namespace, resourceId, dimension);
    }

    public ScheduledAction withNextRun(long next) {
        return new ScheduledAction(arn, name, namespace, resourceId, dimension, schedule, timezone, startMillis,
                endMillis, minCapacity, maxCapacity, createdMillis, next);
    }
}
