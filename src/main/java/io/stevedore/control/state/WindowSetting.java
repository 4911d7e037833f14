package io.stevedore.control.state;

/**
 * A maintenance window attached to a capacity provider through the admin API (an EventBridge Scheduler expression,
 * cron form allowed), keyed {@code clusterName/providerName}.
 */
public record WindowSetting(String key, String expression) {
}
