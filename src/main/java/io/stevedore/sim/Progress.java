package io.stevedore.sim;

/** Told how far the simulation is (simulated milliseconds done of total); the CLI draws a bar. */
@FunctionalInterface
public interface Progress {
    void at(long doneMillis, long totalMillis);

    Progress NONE = (d, t) -> { };
}
