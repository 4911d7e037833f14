package io.stevedore.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.testkit.PostgresCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trial of the crash harness per store inside the test suite (the harness itself, {@code bench/crash}, runs
 * many): real {@code serve} processes, mutating load, {@code kill -9}, restart, every check.
 */
class CrashSafetyTest {
    @TempDir
    Path work;

    @Test
    void killNine_embeddedStore_restartKeepsEveryAcknowledgedWrite() throws Exception {
        CrashHarness h = new CrashHarness(CrashHarness.parse(new String[] {"--store", "sqlite", "--seed", "7"}), work);
        TrialResult r = h.trial("sqlite", 0);
        assertThat(r.violations()).isEmpty();
        assertThat(r.acknowledged()).isPositive();
        assertThat(r.convergence()).isNotNull();
    }

    @Test
    void killNine_postgresLeaderOfTwoReplicas_survivorAnswersAndTakesOver() throws Exception {
        Assumptions.assumeTrue(PostgresCluster.binaries().isPresent(), "PostgreSQL binaries (initdb, pg_ctl) not "
                + "found: install postgresql-15 or set STEVEDORE_PG_BIN");
        CrashHarness h = new CrashHarness(CrashHarness.parse(new String[] {"--store", "postgres", "--seed", "7",
                "--leader-lease", "3"}), work);
        try {
            TrialResult r = h.trial("postgres", 0);
            assertThat(r.violations()).isEmpty();
            assertThat(r.acknowledged()).isPositive();
            assertThat(r.failover()).isNotNull();
        } finally {
            h.close();
        }
    }
}
