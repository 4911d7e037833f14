package io.stevedore.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import io.stevedore.lifecycle.FleetSnapshot.Member;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.Provisioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Compaction keeps what it computed for members that are the same objects (usage, eligibility) and selects its least
 * utilized candidates without a full sort: over fleets that change a few or many members at a time, a kept
 * {@link Compaction} picks what a fresh one picks.
 */
class CompactionPickTest {
    private static final int[] CPUS = {256, 512, 768, 1024};

    @Test
    void pick_overChangingFleets_answersAsAFreshCompaction() {
        FleetSnapshot.Provider p = LifecycleControllerTest.provider(DisruptionBudget.percent(100), true,
                Optional.empty());
        long now = LifecycleControllerTest.NOW.toEpochMilli();
        Random r = new Random(11);
        List<Member> fleet = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            fleet.add(member(i, r, 0));
        }
        Compaction kept = new Compaction(new Provisioner());
        Set<String> chosen = new TreeSet<>();
        int[] changes = {0, 1, 3, 10, 25, 60};
        for (int step = 0; step < 48; step++) {
            for (int c = 0; c < changes[step % changes.length]; c++) {
                int at = r.nextInt(fleet.size());
                fleet.set(at, member(at, r, step + 1));
            }
            List<Member> active = List.copyOf(fleet);
            Optional<Compaction.Candidate> pick = kept.pick(now, p, active, List.of());
            assertThat(pick).as("step %d", step)
                    .isEqualTo(new Compaction(new Provisioner()).pick(now, p, active, List.of()));
            pick.ifPresent(x -> chosen.add(x.instanceId()));
        }
        assertThat(chosen).as("the pick follows the least utilized member as the fleet changes").hasSizeGreaterThan(3);
    }

    /**
     * A candidate is simulated only while it could beat the best so far (it saves at most its price): a dearer
     * instance after a cheaper one that moves entirely is still simulated, and chosen when it moves entirely too.
     */
    @Test
    void pick_dearerCandidateAfterACheapOne_isStillSimulated() {
        FleetSnapshot.Provider p = LifecycleControllerTest.provider(DisruptionBudget.percent(100), true,
                Optional.empty());
        long now = LifecycleControllerTest.NOW.toEpochMilli();
        Member cheap = LifecycleControllerTest.member("i-a", 1, List.of(LifecycleControllerTest.service("t-a")));
        Member base = LifecycleControllerTest.member("i-b", 1, List.of(LifecycleControllerTest.service("t-b1"),
                LifecycleControllerTest.service("t-b2")));
        Member dear = new Member(base.instanceId(), base.provider(), base.instanceType(), 1.5 * cheap.pricePerHour(),
                base.registered(), base.launchedAtMillis(), base.state(), base.drain(), false, -1, -1,
                base.lastTaskChangeMillis(), base.tasks());
        Member host = LifecycleControllerTest.member("i-c", 1, List.of(LifecycleControllerTest.service("t-c1"),
                LifecycleControllerTest.service("t-c2"), LifecycleControllerTest.service("t-c3")));
        Optional<Compaction.Candidate> pick = new Compaction(new Provisioner()).pick(now, p, List.of(cheap, dear, host),
                List.of());
        assertThat(pick.map(Compaction.Candidate::instanceId)).contains("i-b");
        assertThat(pick.get().savingPerHour()).isEqualTo(dear.pricePerHour());
    }

    /** Instance {@code i} (its {@code generation}-th object) with one to four service tasks of random size. */
    private static Member member(int i, Random r, int generation) {
        List<FleetSnapshot.Work> tasks = new ArrayList<>();
        int n = 1 + r.nextInt(4);
        for (int j = 0; j < n; j++) {
            tasks.add(FleetSnapshot.Work.running("t-" + i + "-" + generation + "-" + j, "web",
                    TaskDemand.awsvpc(CPUS[r.nextInt(CPUS.length)], 1024, Architecture.ARM64)));
        }
        return LifecycleControllerTest.member(String.format("i-%03d", i), 1, tasks);
    }
}
