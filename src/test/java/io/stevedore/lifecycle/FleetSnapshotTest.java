package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.lifecycle.FleetSnapshot.Work;
import io.stevedore.placement.TaskDemand;
import org.junit.jupiter.api.Test;

/** The named forms of {@link Work}: each sets the flag it names and keeps the others. */
class FleetSnapshotTest {
    static final TaskDemand SMALL = TaskDemand.awsvpc(512, 1024, Architecture.ARM64);

    @Test
    void work_namedForms_setTheFlagTheyName() {
        Work w = Work.running("t", "web", SMALL);
        assertThat(w).isEqualTo(new Work("t", "web", SMALL, true, false, false, false));
        assertThat(Work.standalone("s", SMALL)).isEqualTo(new Work("s", null, SMALL, true, false, false, false));
        assertThat(w.notRunning()).isEqualTo(new Work("t", "web", SMALL, false, false, false, false));
        assertThat(w.withProtection()).isEqualTo(new Work("t", "web", SMALL, true, true, false, false));
        assertThat(w.withOptOut()).isEqualTo(new Work("t", "web", SMALL, true, false, true, false));
        assertThat(w.withConstraints()).isEqualTo(new Work("t", "web", SMALL, true, false, false, true));
        assertThat(w.withProtection().withOptOut().withConstraints().notRunning())
                .isEqualTo(new Work("t", "web", SMALL, false, true, true, true));
    }
}
