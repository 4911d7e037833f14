package io.stevedore.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one real {@link PostgresCluster} per test class ({@code @RegisterExtension static}),
 * started before the first test and stopped after the last. Tests are skipped, with the reason, only when no
 * PostgreSQL binaries exist on the machine ({@code .ci/run} installs them).
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
    private PostgresCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue(PostgresCluster.binaries().isPresent(),
                "PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql-15 or set STEVEDORE_PG_BIN");
        cluster = PostgresCluster.start(false);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    public PostgresCluster cluster() {
        return cluster;
    }

    /** A fresh database for one test. */
    public String newDatabase() throws Exception {
        return cluster.newDatabase();
    }
}
