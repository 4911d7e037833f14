package io.stevedore.api.observe;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * API call metrics: latency by operation, calls by operation and HTTP status, errors by operation and error
 * type. Label values come only from the known operations and error types (anything else is {@code other}), so a
 * client cannot blow up the number of series.
 */
public final class ApiMetrics {
    static final double[] LATENCY_BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
        2.5, 5, 10};
    private static final int MAX_ERROR_TYPES = 64;

    private record Call(String operation, int status) {
    }

    private record Error(String operation, String type) {
    }

    private final Set<String> knownOperations;
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<Call, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<Error, LongAdder> errors = new ConcurrentHashMap<>();
    private final Set<String> errorTypes = ConcurrentHashMap.newKeySet();

    public ApiMetrics(Set<String> knownOperations) {
        this.knownOperations = Set.copyOf(knownOperations);
    }

    /** Records one answered call ({@code errorType} null when it succeeded). */
    public void record(String operation, int status, String errorType, double seconds) {
        String op = operation != null && knownOperations.contains(operation) ? operation : "other";
        latency.computeIfAbsent(op, k -> new Histogram(LATENCY_BOUNDS)).observe(seconds);
        calls.computeIfAbsent(new Call(op, status), k -> new LongAdder()).increment();
        if (errorType != null) {
            String type = errorTypes.contains(errorType) || (errorTypes.size() < MAX_ERROR_TYPES
                    && errorType.matches("[A-Za-z]{1,64}") && errorTypes.add(errorType)) ? errorType : "other";
            errors.computeIfAbsent(new Error(op, type), k -> new LongAdder()).increment();
        }
    }

    public void write(PrometheusText out) {
        out.family("stevedore_api_request_duration_seconds", "histogram",
                "Time to answer an API call, by operation (ECS action or EC2 action).");
        new TreeMap<>(latency).forEach((op, h) -> h.write(out, "stevedore_api_request_duration_seconds",
                PrometheusText.label("operation", op)));
        out.family("stevedore_api_requests_total", "counter", "API calls answered, by operation and HTTP status.");
        calls.entrySet().stream().sorted((a, b) -> compare(a.getKey().operation(), a.getKey().status(),
                b.getKey().operation(), b.getKey().status())).forEach(e -> out.sample("stevedore_api_requests_total",
                PrometheusText.label("operation", e.getKey().operation()) + ","
                        + PrometheusText.label("code", String.valueOf(e.getKey().status())), e.getValue().sum()));
        out.family("stevedore_api_errors_total", "counter", "API calls answered with an error, by operation and"
                + " AWS error type.");
        errors.entrySet().stream().sorted((a, b) -> {
            int c = a.getKey().operation().compareTo(b.getKey().operation());
            return c != 0 ? c : a.getKey().type().compareTo(b.getKey().type());
        }).forEach(e -> out.sample("stevedore_api_errors_total", PrometheusText.label("operation",
                e.getKey().operation()) + "," + PrometheusText.label("error_type", e.getKey().type()),
                e.getValue().sum()));
    }

    private static int compare(String opA, int statusA, String opB, int statusB) {
        int c = opA.compareTo(opB);
        return c != 0 ? c : Integer.compare(statusA, statusB);
    }
}
