package io.stevedore.time;

import java.time.Instant;

/**
 * The only source of time for engine code (DEVELOPERS.md: one engine, two clocks). The server injects a wall
 * clock; the simulator and the tests inject a {@link VirtualClock}.
 */
public interface Clock {
    Instant now();

    /** The wall clock. */
    static Clock system() {
        return Instant::now;
    }
}
