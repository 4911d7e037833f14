package io.stevedore.control;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test on a fresh control plane ({@link ControlKit}) holding the web cluster {@link #CLUSTER}
 * ({@link ControlKit#webCluster}: tasks of 256 CPU units and 512 MiB unless the test says otherwise), closed after
 * each test.
 */
public abstract class WebClusterTest {
    protected static final String CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/c";
    protected ControlKit kit;
    private final int taskCpu;
    private final int taskMemoryMiB;

    protected WebClusterTest() {
        this(256, 512);
    }

    protected WebClusterTest(int taskCpu, int taskMemoryMiB) {
        this.taskCpu = taskCpu;
        this.taskMemoryMiB = taskMemoryMiB;
    }

    @BeforeEach
    void startKit() {
        kit = ControlKit.start();
        kit.webCluster(taskCpu, taskMemoryMiB);
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }
}
