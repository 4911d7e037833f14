package io.stevedore.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.catalog.Architecture;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class FiltersTest {
    private static PlanState oneInstance(String type) {
        return new Fleet().add(type, "us-east-1a").snapshot().newPlan();
    }

    @ParameterizedTest
    @EnumSource(value = InstanceStatus.class, names = "ACTIVE", mode = EnumSource.Mode.EXCLUDE)
    void status_notActive_rejectedAsAgent(InstanceStatus status) {
        PlanState s = new Fleet().add("c5.large", "us-east-1a").mapLast(v -> v.withStatus(status)).snapshot()
                .newPlan();
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(256, 512));
        StatusFilter f = new StatusFilter();
        assertThat(f.check(s, 0, r)).isEqualTo(ReasonCode.AGENT);
        assertThat(f.explain(s, 0, r).available()).isEqualTo(status.name());
    }

    @Test
    void status_active_passes() {
        assertThat(new StatusFilter().check(oneInstance("c5.large"), 0,
                PlacementRequest.of("g", Fleet.task(256, 512)))).isNull();
    }

    @Test
    void capacityProvider_otherProvider_rejectedAsAttribute() {
        PlanState s = oneInstance("c5.large");
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(256, 512)).withCapacityProviders(Set.of("other"));
        assertThat(new CapacityProviderFilter().check(s, 0, r)).isEqualTo(ReasonCode.ATTRIBUTE);
        assertThat(new CapacityProviderFilter().check(s, 0, r.withCapacityProviders(Set.of("mi")))).isNull();
    }

    @Test
    void architecture_armTaskOnIntel_rejectedWithBothArchitectures() {
        PlanState s = oneInstance("c5.large");
        PlacementRequest r = PlacementRequest.of("g", TaskDemand.awsvpc(256, 512, Architecture.ARM64));
        Rejection why = new ArchitectureFilter().explain(s, 0, r);
        assertThat(new ArchitectureFilter().check(s, 0, r)).isEqualTo(ReasonCode.ATTRIBUTE);
        assertThat(why.dimension()).isEqualTo("ecs.cpu-architecture");
        assertThat(why.asked()).isEqualTo("arm64");
        assertThat(why.available()).isEqualTo("x86_64");
    }

    static Stream<Arguments> resourceCases() {
        // c5.large registers 2048 CPU units, 4096 - (205 + 128) = 3763 MiB, 0 GPUs, 10 trunked ENIs
        return Stream.of(
                Arguments.of(new TaskDemand(2048, 3763, 0, NetworkMode.AWSVPC, Set.of(), Architecture.X86_64), null),
                Arguments.of(new TaskDemand(2049, 512, 0, NetworkMode.AWSVPC, Set.of(), Architecture.X86_64),
                        ReasonCode.RESOURCE_CPU),
                Arguments.of(new TaskDemand(256, 3764, 0, NetworkMode.AWSVPC, Set.of(), Architecture.X86_64),
                        ReasonCode.RESOURCE_MEMORY),
                Arguments.of(new TaskDemand(256, 512, 1, NetworkMode.AWSVPC, Set.of(), Architecture.X86_64),
                        ReasonCode.RESOURCE_GPU),
                Arguments.of(new TaskDemand(256, 512, 0, NetworkMode.HOST, Set.of(80), Architecture.X86_64), null));
    }

    @ParameterizedTest
    @MethodSource("resourceCases")
    void resources_demandAgainstC5Large_reasonPerDimension(TaskDemand demand, ReasonCode expected) {
        assertThat(new ResourceFilter().check(oneInstance("c5.large"), 0, PlacementRequest.of("g", demand)))
                .isEqualTo(expected);
    }

    @Test
    void resources_enisExhaustedByTrunkingLimit_rejectedAsEni() {
        PlanState s = oneInstance("c5.large");
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(1, 8));
        for (int k = 0; k < 10; k++) {
            assertThat(new ResourceFilter().check(s, 0, r)).isNull();
            s.commit(0, r);
        }
        assertThat(new ResourceFilter().check(s, 0, r)).isEqualTo(ReasonCode.RESOURCE_ENI);
        Rejection why = new ResourceFilter().explain(s, 0, r);
        assertThat(why.asked()).isEqualTo("1");
        assertThat(why.available()).isEqualTo("0");
    }

    @Test
    void resources_gpusAreExclusive_secondTaskRejected() {
        PlanState s = oneInstance("g4dn.xlarge"); // 1 GPU
        PlacementRequest r = PlacementRequest.of("g", new TaskDemand(256, 512, 1, NetworkMode.AWSVPC, Set.of(),
                Architecture.X86_64));
        assertThat(new ResourceFilter().check(s, 0, r)).isNull();
        s.commit(0, r);
        assertThat(new ResourceFilter().check(s, 0, r)).isEqualTo(ReasonCode.RESOURCE_GPU);
    }

    @Test
    void hostPorts_portTakenByPlannedOrRunningTask_rejectedAsPorts() {
        PlanState s = new Fleet().add("c5.large", "us-east-1a")
                .mapLast(v -> v.withRunning(Resources.ZERO, Set.of(443), Map.of())).snapshot().newPlan();
        PlacementRequest web = PlacementRequest.of("g", new TaskDemand(256, 512, 0, NetworkMode.HOST, Set.of(80),
                Architecture.X86_64));
        PlacementRequest tls = PlacementRequest.of("g", new TaskDemand(256, 512, 0, NetworkMode.HOST, Set.of(443),
                Architecture.X86_64));
        HostPortFilter f = new HostPortFilter();
        assertThat(f.check(s, 0, tls)).isEqualTo(ReasonCode.RESOURCE_PORTS);
        assertThat(f.check(s, 0, web)).isNull();
        s.commit(0, web);
        assertThat(f.check(s, 0, web)).isEqualTo(ReasonCode.RESOURCE_PORTS);
        assertThat(f.explain(s, 0, web).available()).isEqualTo("in use [80]");
    }

    @Test
    void distinctInstance_groupAlreadyOnInstance_rejected() {
        PlanState s = oneInstance("c5.large");
        PlacementRequest r = PlacementRequest.of("service:web", Fleet.task(256, 512))
                .withConstraints(List.of(PlacementConstraint.distinctInstance()));
        PlacementRequest other = PlacementRequest.of("service:api", Fleet.task(256, 512))
                .withConstraints(List.of(PlacementConstraint.distinctInstance()));
        DistinctInstanceFilter f = new DistinctInstanceFilter();
        assertThat(f.check(s, 0, r)).isNull();
        s.commit(0, r);
        assertThat(f.check(s, 0, r)).isEqualTo(ReasonCode.DISTINCT_INSTANCE);
        assertThat(f.check(s, 0, other)).isNull();
        assertThat(f.check(s, 0, r.withConstraints(List.of()))).isNull();
    }

    @Test
    void memberOf_expressionNotMatching_rejectedWithExpression() {
        PlanState s = oneInstance("c5.large");
        PlacementRequest r = PlacementRequest.of("g", Fleet.task(256, 512)).withConstraints(List.of(
                PlacementConstraint.memberOf("attribute:ecs.instance-type =~ m5.*")));
        MemberOfFilter f = new MemberOfFilter();
        assertThat(f.check(s, 0, r)).isEqualTo(ReasonCode.MEMBER_OF);
        assertThat(f.explain(s, 0, r).asked()).isEqualTo("attribute:ecs.instance-type =~ m5.*");
        assertThat(f.check(s, 0, r.withConstraints(List.of(
                PlacementConstraint.memberOf("attribute:ecs.instance-type =~ c5.*"))))).isNull();
    }

    @Test
    void memberOf_taskGroupSeesPlannedTasks() {
        PlanState s = oneInstance("c5.large");
        PlacementRequest db = PlacementRequest.of("database", Fleet.task(256, 512));
        PlacementRequest web = PlacementRequest.of("web", Fleet.task(256, 512)).withConstraints(List.of(
                PlacementConstraint.memberOf("not(task:group == database)")));
        assertThat(new MemberOfFilter().check(s, 0, web)).isNull();
        s.commit(0, db);
        assertThat(new MemberOfFilter().check(s, 0, web)).isEqualTo(ReasonCode.MEMBER_OF);
    }
}
