package io.stevedore.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test on a fresh control plane ({@link ControlKit}) holding the web cluster {@link #CLUSTER} of 256-unit,
 * 512-MiB tasks ({@link ControlKit#webCluster}), closed after each test.
 */
public abstract class WebClusterTest {
    protected static final String CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/c";
    protected ControlKit kit;

    @BeforeEach
    void startKit() {
        kit = ControlKit.start();
        kit.webCluster(256, 512);
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }
}
