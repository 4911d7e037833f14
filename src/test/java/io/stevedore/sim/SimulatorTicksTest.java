package io.stevedore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.SimWorkloadReader;
import org.junit.jupiter.api.Test;

/**
 * The simulator ticks when something happens, not at the reconciler's period: a day with one 90-second job costs a
 * number of reconciler ticks set by that job's events, the report samples and the lifecycle's timers — not the
 * 172,800 half-second periods of the day — and the job still runs to its end.
 */
class SimulatorTicksTest {
    private static final String ONE_JOB = """
            region: us-east-1
            duration: 1d
            capacityProviders:
              - name: batch
                instanceRequirements:
                  vCpuCount: {min: 2, max: 4}
                  memoryMiB: {min: 4096, max: 16384}
                subnets: [us-east-1a]
            taskDefinitions:
              - family: job
                cpu: 256
                memory: 512
                networkMode: host
                containerDefinitions:
                  - {name: main, image: registry.example.com/job:1, essential: true}
            jobs:
              - name: once
                taskDefinition: job
                arrivals: {at: [1h]}
                duration: {fixed: 90s}
                capacityProvider: batch
            """;

    private static JsonNode run(String yaml) throws Exception {
        SimWorkload w = new SimWorkloadReader().read("one-job", yaml);
        return new Simulator(w, SimOptions.of(w.duration(), 1)).run(Progress.NONE);
    }

    @Test
    void oneNinetySecondJob_ticksForItsEventsNotEveryPeriod() throws Exception {
        JsonNode r = run(ONE_JOB);
        assertThat(r.path("summary").path("managedInstances").path("tasksStarted").asInt()).isEqualTo(1);
        assertThat(r.path("taskStops").path("completed").asInt()).as("the job ran to its end").isEqualTo(1);
        long ticks = r.path("engine").path("reconcilerTicks").asLong();
        long samples = r.path("series").path("t").size();
        // a sample every two simulated minutes (the 15-minute heartbeat is never due between them); the job's own
        // events (arrival, launch, boot, pull, start, run end, stop steps) and the lifecycle's timers (scale-in of
        // the idle instance, image expiry) are a few more: 729 ticks in all, against 172,800 periods in the day
        assertThat(ticks).as("ticks of a day with one job").isGreaterThan(samples)
                .isLessThanOrEqualTo(samples + 30);
    }
}
