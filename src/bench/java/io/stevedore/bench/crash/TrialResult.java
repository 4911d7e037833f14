package io.stevedore.bench.crash;

import java.time.Duration;
import java.util.List;

/**
 * One crash trial.
 *
 * @param convergence time from restart until every service ran its desired count (null: not within the bound)
 * @param failover    time from the leader's kill until the survivor ran the controllers (null: one replica)
 */
record TrialResult(String store, int trial, long killAfterMillis, int acknowledged, int checks,
                   List<String> violations, int serverErrors, Duration convergence, Duration failover) {
}
