package io.stevedore.api;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gives each test a fresh {@link EcsServerFixture} (real server with its reconciler loop, real SDK EcsClient) on
 * its own data directory, closed after the test. A subclass's own {@code @BeforeEach} runs after the server is up
 * (JUnit runs superclass callbacks first), so it can create clusters and task definitions with {@link #f}.
 */
abstract class EcsServerTestBase {
    @TempDir
    Path dir;
    EcsServerFixture f;

    @BeforeEach
    final void startServer() throws Exception {
        f = new EcsServerFixture(dir);
    }

    @AfterEach
    final void stopServer() {
        f.close();
    }
}
