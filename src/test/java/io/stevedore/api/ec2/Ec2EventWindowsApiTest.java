package io.stevedore.api.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.EcsServerFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceEventWindow;
import software.amazon.awssdk.services.ec2.model.InstanceEventWindowState;
import software.amazon.awssdk.services.ec2.model.InstanceEventWindowTimeRange;
import software.amazon.awssdk.services.ec2.model.InstanceEventWindowTimeRangeRequest;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.WeekDay;

/** EC2 instance event windows through EC2's Query API, driven by the real SDK's {@code Ec2Client}. */
class Ec2EventWindowsApiTest {
    @TempDir
    static Path dir;
    static EcsServerFixture f;
    static Ec2Client ec2;
    static List<String> instanceIds;

    @BeforeAll
    static void start() throws Exception {
        f = new EcsServerFixture(dir);
        ec2 = f.ec2Client();
        f.miCluster("iew");
        f.register(EcsServerFixture.nginx("web").cpu("2048").memory("4096"));
        f.ecs.createService(b -> b.cluster("iew").serviceName("svc").taskDefinition("web").desiredCount(3)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("iew").services("svc"));
        instanceIds = ec2.describeInstances(b -> b.filters(Filter.builder().name("instance-state-name")
                        .values("running").build())).reservations().stream().map(Reservation::instances)
                .flatMap(List::stream).map(Instance::instanceId).sorted().toList();
        assertThat(instanceIds).hasSizeGreaterThanOrEqualTo(2);
    }

    @AfterAll
    static void stop() {
        ec2.close();
        f.close();
    }

    static InstanceEventWindowTimeRangeRequest range(WeekDay start, int startHour, WeekDay end, int endHour) {
        return InstanceEventWindowTimeRangeRequest.builder().startWeekDay(start).startHour(startHour)
                .endWeekDay(end).endHour(endHour).build();
    }

    static void refused(String code, Executable call) {
        assertThatThrownBy(call::execute).as(code).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).isNotBlank();
        });
    }

    static InstanceEventWindow describe(String id) {
        return ec2.describeInstanceEventWindows(b -> b.instanceEventWindowIds(id)).instanceEventWindows().get(0);
    }

    @Test
    void create_timeRanges_describedActiveWithRangesNameAndTags() {
        InstanceEventWindow created = ec2.createInstanceEventWindow(b -> b.name("weekend")
                .timeRanges(range(WeekDay.SATURDAY, 2, WeekDay.SATURDAY, 6), range(WeekDay.SUNDAY, 22,
                        WeekDay.MONDAY, 1))
                .tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE_EVENT_WINDOW)
                        .tags(Tag.builder().key("team").value("web").build()))).instanceEventWindow();
        assertThat(created.instanceEventWindowId()).matches("iew-[0-9a-f]{17}");
        assertThat(created.state()).isEqualTo(InstanceEventWindowState.CREATING);
        InstanceEventWindow w = describe(created.instanceEventWindowId());
        assertThat(w.state()).isEqualTo(InstanceEventWindowState.ACTIVE);
        assertThat(w.name()).isEqualTo("weekend");
        assertThat(w.cronExpression()).isNull();
        assertThat(w.timeRanges()).extracting(InstanceEventWindowTimeRange::startWeekDay,
                        InstanceEventWindowTimeRange::startHour, InstanceEventWindowTimeRange::endWeekDay,
                        InstanceEventWindowTimeRange::endHour)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(WeekDay.SATURDAY, 2, WeekDay.SATURDAY, 6),
                        org.assertj.core.groups.Tuple.tuple(WeekDay.SUNDAY, 22, WeekDay.MONDAY, 1));
        assertThat(w.tags()).extracting(Tag::key, Tag::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("team", "web"));
        assertThat(w.associationTarget().instanceIds()).isEmpty();
        assertThat(ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder().name("tag:team").values("web")
                .build())).instanceEventWindows()).extracting(InstanceEventWindow::instanceEventWindowId)
                .containsExactly(created.instanceEventWindowId());
        assertThat(ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder().name("event-window-name")
                .values("week*").build())).instanceEventWindows()).extracting(InstanceEventWindow::name)
                .containsExactly("weekend");
    }

    @Test
    void create_cronExpression_keptAsGiven() {
        String id = ec2.createInstanceEventWindow(b -> b.cronExpression("* 21-23 * * 2,3")).instanceEventWindow()
                .instanceEventWindowId();
        InstanceEventWindow w = describe(id);
        assertThat(w.cronExpression()).isEqualTo("* 21-23 * * 2,3");
        assertThat(w.timeRanges()).isEmpty();
        assertThat(describe(ec2.createInstanceEventWindow(b -> b.cronExpression("* 0-4,20-23 * * MON,FRI"))
                .instanceEventWindow().instanceEventWindowId()).cronExpression()).isEqualTo("* 0-4,20-23 * * MON,FRI");
    }

    @Test
    void create_invalidWindows_refusedWithEc2Codes() {
        Map<String, List<Executable>> cases = Map.of(
                "InvalidParameterCombination", List.of(() -> ec2.createInstanceEventWindow(b -> b
                        .timeRanges(range(WeekDay.MONDAY, 0, WeekDay.MONDAY, 6)).cronExpression("* 0-5 * * 1"))),
                "MissingParameter", List.of(() -> ec2.createInstanceEventWindow(b -> b.name("no times"))),
                "InvalidParameterValue", List.of(
                        // a range of 1 hour
                        () -> ec2.createInstanceEventWindow(b -> b.timeRanges(range(WeekDay.MONDAY, 1,
                                WeekDay.MONDAY, 2), range(WeekDay.TUESDAY, 0, WeekDay.TUESDAY, 6))),
                        // 3 hours a week in all
                        () -> ec2.createInstanceEventWindow(b -> b.timeRanges(range(WeekDay.MONDAY, 1,
                                WeekDay.MONDAY, 4))),
                        // cron: minute must be *, hours must be ranges, day of month *
                        () -> ec2.createInstanceEventWindow(b -> b.cronExpression("0 0-4 * * 1")),
                        () -> ec2.createInstanceEventWindow(b -> b.cronExpression("* 3 * * *")),
                        () -> ec2.createInstanceEventWindow(b -> b.cronExpression("* 0-4 1 * *")),
                        () -> ec2.createInstanceEventWindow(b -> b.cronExpression("* 0-4 * * 8")),
                        // 2 hours a week in all
                        () -> ec2.createInstanceEventWindow(b -> b.cronExpression("* 1-2 * * 1")),
                        () -> ec2.createInstanceEventWindow(b -> b.timeRanges(range(WeekDay.MONDAY, 1,
                                WeekDay.MONDAY, 9)).tagSpecifications(t -> t.resourceType(ResourceType.INSTANCE)
                                .tags(Tag.builder().key("k").value("v").build())))));
        cases.forEach((code, calls) -> calls.forEach(c -> refused(code, c)));
        assertThat(ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder().name("event-window-name")
                .values("no times").build())).instanceEventWindows()).isEmpty();
    }

    @Test
    void associate_instanceIds_onlyOneWindowPerTargetAndOneTargetKind() {
        String a = ec2.createInstanceEventWindow(b -> b.name("a").cronExpression("* 1-5 * * 6"))
                .instanceEventWindow().instanceEventWindowId();
        String b2 = ec2.createInstanceEventWindow(b -> b.name("b").cronExpression("* 1-5 * * 0"))
                .instanceEventWindow().instanceEventWindowId();
        String first = instanceIds.get(0);
        String second = instanceIds.get(1);
        InstanceEventWindow w = ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(a)
                .associationTarget(t -> t.instanceIds(first))).instanceEventWindow();
        assertThat(w.associationTarget().instanceIds()).containsExactly(first);
        assertThat(ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(a)
                .associationTarget(t -> t.instanceIds(second, first))).instanceEventWindow().associationTarget()
                .instanceIds()).containsExactly(first, second);
        assertThat(ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder().name("instance-id")
                .values(second).build())).instanceEventWindows()).extracting(InstanceEventWindow::instanceEventWindowId)
                .containsExactly(a);

        refused("InvalidParameterValue", () -> ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(b2)
                .associationTarget(t -> t.instanceIds(first))));
        refused("InvalidInstanceID.NotFound", () -> ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(b2)
                .associationTarget(t -> t.instanceIds("i-0000000000000dead"))));
        refused("InvalidParameterCombination", () -> ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(a)
                .associationTarget(t -> t.instanceTags(Tag.builder().key("team").value("web").build()))));
        refused("InvalidParameterCombination", () -> ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(b2)
                .associationTarget(t -> t.instanceIds(instanceIds.get(instanceIds.size() - 1))
                        .dedicatedHostIds("h-0123456789abcdef0"))));
        refused("MissingParameter", () -> ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(b2)
                .associationTarget(t -> t.instanceIds(List.of()))));
        refused("InvalidInstanceEventWindowId.NotFound", () -> ec2.associateInstanceEventWindow(b -> b
                .instanceEventWindowId("iew-0000000000000dead").associationTarget(t -> t.instanceIds(first))));
        assertThat(describe(b2).associationTarget().instanceIds()).isEmpty();

        InstanceEventWindow after = ec2.disassociateInstanceEventWindow(b -> b.instanceEventWindowId(a)
                .associationTarget(t -> t.instanceIds(first))).instanceEventWindow();
        assertThat(after.associationTarget().instanceIds()).containsExactly(second);
        refused("InvalidParameterValue", () -> ec2.disassociateInstanceEventWindow(b -> b.instanceEventWindowId(a)
                .associationTarget(t -> t.instanceIds(first))));
        // now free for the other window
        assertThat(ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(b2)
                .associationTarget(t -> t.instanceIds(first))).instanceEventWindow().associationTarget().instanceIds())
                .containsExactly(first);
        ec2.disassociateInstanceEventWindow(b -> b.instanceEventWindowId(b2).associationTarget(t -> t.instanceIds(first)));
        ec2.disassociateInstanceEventWindow(b -> b.instanceEventWindowId(a).associationTarget(t -> t.instanceIds(second)));
    }

    @Test
    void associate_instanceTagsAndDedicatedHosts_describedAndFiltered() {
        String byTag = ec2.createInstanceEventWindow(b -> b.timeRanges(range(WeekDay.WEDNESDAY, 20,
                WeekDay.THURSDAY, 2))).instanceEventWindow().instanceEventWindowId();
        Tag cluster = Tag.builder().key("aws:ecs:clusterName").value("iew").build();
        InstanceEventWindow w = ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(byTag)
                .associationTarget(t -> t.instanceTags(cluster))).instanceEventWindow();
        assertThat(w.associationTarget().tags()).extracting(Tag::key, Tag::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("aws:ecs:clusterName", "iew"));
        assertThat(ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder().name("instance-tag")
                .values("aws:ecs:clusterName=iew").build())).instanceEventWindows())
                .extracting(InstanceEventWindow::instanceEventWindowId).containsExactly(byTag);
        String other = ec2.createInstanceEventWindow(b -> b.cronExpression("* 2-6 * * 3")).instanceEventWindow()
                .instanceEventWindowId();
        refused("InvalidParameterValue", () -> ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(other)
                .associationTarget(t -> t.instanceTags(cluster))));

        String byHost = ec2.createInstanceEventWindow(b -> b.cronExpression("* 2-6 * * 4")).instanceEventWindow()
                .instanceEventWindowId();
        assertThat(ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(byHost)
                .associationTarget(t -> t.dedicatedHostIds("h-0123456789abcdef0"))).instanceEventWindow()
                .associationTarget().dedicatedHostIds()).containsExactly("h-0123456789abcdef0");
        assertThat(ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder().name("dedicated-host-id")
                .values("h-0123456789abcdef0").build())).instanceEventWindows())
                .extracting(InstanceEventWindow::instanceEventWindowId).containsExactly(byHost);
        refused("InvalidDedicatedHostId.Malformed", () -> ec2.associateInstanceEventWindow(b -> b
                .instanceEventWindowId(byHost).associationTarget(t -> t.dedicatedHostIds("host-1"))));
        ec2.deleteInstanceEventWindow(b -> b.instanceEventWindowId(byTag).forceDelete(true));
        ec2.deleteInstanceEventWindow(b -> b.instanceEventWindowId(byHost).forceDelete(true));
    }

    @Test
    void modify_nameAndSchedule_replacesRangesWithCron() {
        String id = ec2.createInstanceEventWindow(b -> b.name("m").timeRanges(range(WeekDay.FRIDAY, 0,
                WeekDay.FRIDAY, 8))).instanceEventWindow().instanceEventWindowId();
        InstanceEventWindow renamed = ec2.modifyInstanceEventWindow(b -> b.instanceEventWindowId(id).name("m2"))
                .instanceEventWindow();
        assertThat(renamed.name()).isEqualTo("m2");
        assertThat(renamed.timeRanges()).hasSize(1);
        InstanceEventWindow cron = ec2.modifyInstanceEventWindow(b -> b.instanceEventWindowId(id)
                .cronExpression("* 0-5 * * 5")).instanceEventWindow();
        assertThat(cron.cronExpression()).isEqualTo("* 0-5 * * 5");
        assertThat(cron.timeRanges()).isEmpty();
        assertThat(describe(id).name()).isEqualTo("m2");
        refused("InvalidParameterCombination", () -> ec2.modifyInstanceEventWindow(b -> b.instanceEventWindowId(id)
                .cronExpression("* 0-5 * * 5").timeRanges(range(WeekDay.FRIDAY, 0, WeekDay.FRIDAY, 8))));
        refused("InvalidParameterValue", () -> ec2.modifyInstanceEventWindow(b -> b.instanceEventWindowId(id)
                .cronExpression("* 0-1 * * 5")));
        refused("InvalidInstanceEventWindowId.NotFound", () -> ec2.modifyInstanceEventWindow(b -> b
                .instanceEventWindowId("iew-0000000000000dead").name("x")));
        assertThat(describe(id).cronExpression()).isEqualTo("* 0-5 * * 5");
    }

    @Test
    void delete_associatedNeedsForce_thenGone() {
        String id = ec2.createInstanceEventWindow(b -> b.cronExpression("* 3-7 * * 2")).instanceEventWindow()
                .instanceEventWindowId();
        String last = instanceIds.get(instanceIds.size() - 1);
        ec2.associateInstanceEventWindow(b -> b.instanceEventWindowId(id).associationTarget(t -> t.instanceIds(last)));
        refused("IncorrectState", () -> ec2.deleteInstanceEventWindow(b -> b.instanceEventWindowId(id)));
        assertThat(describe(id).associationTarget().instanceIds()).containsExactly(last);
        var state = ec2.deleteInstanceEventWindow(b -> b.instanceEventWindowId(id).forceDelete(true))
                .instanceEventWindowState();
        assertThat(state.instanceEventWindowId()).isEqualTo(id);
        assertThat(state.state()).isEqualTo(InstanceEventWindowState.DELETING);
        refused("InvalidInstanceEventWindowId.NotFound", () -> describe(id));
        refused("InvalidInstanceEventWindowId.NotFound", () -> ec2.deleteInstanceEventWindow(b -> b
                .instanceEventWindowId(id)));
    }

    @Test
    void describe_badFilterAndMaxResults_clientErrors_paginationVisitsEachOnce() {
        refused("InvalidParameterValue", () -> ec2.describeInstanceEventWindows(b -> b.filters(Filter.builder()
                .name("bogus").values("x").build())));
        refused("InvalidParameterValue", () -> ec2.describeInstanceEventWindows(b -> b.maxResults(10)));
        for (int i = 0; i < 25; i++) {
            ec2.createInstanceEventWindow(b -> b.name("page").cronExpression("* 0-4 * * 1"));
        }
        List<String> ids = ec2.describeInstanceEventWindowsPaginator(b -> b.maxResults(20)).instanceEventWindows()
                .stream().filter(w -> "page".equals(w.name())).map(InstanceEventWindow::instanceEventWindowId)
                .toList();
        assertThat(ids).hasSize(25).doesNotHaveDuplicates();
    }
}
