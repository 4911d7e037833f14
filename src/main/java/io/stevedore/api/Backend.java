package io.stevedore.api;

import io.stevedore.control.FaultInjector;
import io.stevedore.control.events.EventRing;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.control.state.Timings;
import io.stevedore.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the HTTP edge serves: the ECS and EC2 operations, the admin endpoints and readiness. The assembled control
 * plane (package {@code assembly}) implements it, so the edge never depends on the assembly.
 */
public interface Backend {
    PlaneConfig config();

    Clock clock();

    /** The ECS operations. */
    EcsApi api();

    /** The Application Auto Scaling operations. */
    io.stevedore.api.scaling.AutoScalingApi autoScaling();

    /** The CloudWatch operations. */
    io.stevedore.api.cloudwatch.CloudWatchApi cloudWatch();

    /** The CloudWatch Logs operations. */
    io.stevedore.api.logs.LogsApi logs();

    /** One EC2 Query API call (form-encoded body), answered inside the state lock. */
    io.stevedore.api.ec2.Ec2QueryApi.Response ec2(String formBody);

    /** The agents of agent-backed container instances (their poll channel, docs/execution.md). */
    io.stevedore.control.agents.Agents agents();

    /** The admin reset: wipes every resource. */
    void reset();

    EcsState state();

    /** The instance types and prices capacity providers may launch (the same selection the scheduler uses). */
    CapacityOfferings offerings();

    /** The state-change event ring. */
    EventRing events();

    /** Fault injection into the simulated provider. */
    FaultInjector faults();

    /** When the control loop last committed a tick, or null (readiness). */
    Instant lastTick();

    /** The plane's simulated delays and default lifecycle times (scaled by its speed). */
    Timings timings();

    /** The control loop's period on the wall clock. */
    Duration tickPeriod();

    /** Whether the control loop runs (readiness). */
    boolean looping();
}
