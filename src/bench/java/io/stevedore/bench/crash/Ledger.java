package io.stevedore.bench.crash;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * What the server acknowledged: for each resource property, the check its latest acknowledged write implies.
 * A write whose answer never came (the process died during the call) may or may not have happened, so
 * afterwards either the state before it or the state it asked for passes.
 */
final class Ledger {
    /** A check of one resource's durable state: empty when it holds, else what is wrong. */
    interface Check {
        Optional<String> verify(EcsClient ecs);
    }

    private final Map<String, Check> checks = new LinkedHashMap<>();
    private int acknowledged;

    /** An acknowledged write; {@code key == null}: its check is added with {@link #expect} once its answer is read. */
    synchronized void ack(String key, Check check) {
        if (key != null) {
            checks.put(key, check);
        }
        acknowledged++;
    }

    /** A check implied by an acknowledged answer (the task ARNs RunTask returned, say). */
    synchronized void expect(String key, Check check) {
        checks.put(key, check);
    }

    synchronized void unknown(String key, Check asked) {
        if (key == null) {
            return;
        }
        Check previous = checks.get(key);
        if (previous == null) {
            return; // a create of unknown outcome: nothing is required of it
        }
        checks.put(key, ecs -> previous.verify(ecs).isEmpty() ? Optional.empty() : asked.verify(ecs));
    }

    /** Runs every check; the violations. */
    synchronized List<String> verify(EcsClient ecs) {
        List<String> out = new ArrayList<>();
        checks.forEach((key, check) -> check.verify(ecs).ifPresent(v -> out.add(key + ": " + v)));
        return out;
    }

    synchronized int acknowledged() {
        return acknowledged;
    }

    synchronized int checks() {
        return checks.size();
    }
}
