package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.DescribeTaskSetsResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskSet;
import software.amazon.awssdk.services.ecs.model.TaskSetField;
import software.amazon.awssdk.services.ecs.model.TaskSetNotFoundException;

/**
 * Task sets and the EXTERNAL and CODE_DEPLOY deployment controllers through the SDK against a real server:
 * CreateTaskSet, UpdateTaskSet, DeleteTaskSet, DescribeTaskSets, UpdateServicePrimaryTaskSet with their errors, a
 * blue/green switch between two task sets, and a CODE_DEPLOY service's initial task set running its tasks.
 */
class TaskSetApiTest extends EcsServerTestBase {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String NOT_EXTERNAL = "Amazon ECS only supports task set management on services"
            + " configured to use external deployment controllers.";

    private String v1;
    private String v2;

    @BeforeEach
    void setUp() {
        f.miCluster("c");
        v1 = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
        v2 = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
    }

    private Service external(String name, int desired) {
        return f.ecs.createService(b -> b.cluster("c").serviceName(name).desiredCount(desired)
                .deploymentController(d -> d.type("EXTERNAL"))).service();
    }

    private TaskSet createSet(String service, String td) {
        return f.ecs.createTaskSet(b -> b.cluster("c").service(service).taskDefinition(td)
                .networkConfiguration(f.awsvpc())).taskSet();
    }

    private Service describe(String name) {
        return f.ecs.describeServices(b -> b.cluster("c").services(name)).services().get(0);
    }

    private TaskSet set(Service s, String id) {
        return s.taskSets().stream().filter(ts -> ts.id().equals(id)).findFirst().orElse(null);
    }

    private Service until(String name, Predicate<Service> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Service s = describe(name);
        while (!done.test(s)) {
            assertThat(System.nanoTime()).as("waiting for service %s; last seen %s", name, s).isLessThan(deadline);
            Thread.sleep(20);
            s = describe(name);
        }
        return s;
    }

    private List<Task> tasks(String service, String desiredStatus) {
        List<String> arns = f.ecs.listTasks(b -> b.cluster("c").serviceName(service).desiredStatus(desiredStatus))
                .taskArns();
        return arns.isEmpty() ? List.of() : f.ecs.describeTasks(b -> b.cluster("c").tasks(arns)).tasks();
    }

    private static boolean steadyAt(TaskSet ts, int running) {
        return ts != null && ts.runningCount() == running && ts.pendingCount() == 0
                && ts.stabilityStatusAsString().equals("STEADY_STATE");
    }

    /**
     * The blue/green flow: an EXTERNAL service of 2; task set A (v1) at 100 % made primary runs 2 tasks; task set B
     * (v2) at 100 % runs 2 more (the service counts 4); B becomes primary (the service shows v2); A cannot be deleted
     * unscaled without force; deleted with force it drains: its tasks stop, it disappears, B keeps 2 running.
     */
    @Test
    void blueGreen_switchPrimaryAndDeleteOldSet_oldTasksStopAndNewKeepCount() throws Exception {
        Service created = external("web", 2);
        assertThat(created.taskSets()).isEmpty();
        assertThat(created.deployments()).isEmpty();
        assertThat(created.taskDefinition()).isNull();
        assertThat(created.deploymentController().typeAsString()).isEqualTo("EXTERNAL");

        TaskSet a = createSet("web", v1);
        assertThat(a.id()).matches("ecs-svc/\\d{19}");
        assertThat(a.taskSetArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:task-set/c/web/" + a.id());
        assertThat(a.serviceArn()).isEqualTo(created.serviceArn());
        assertThat(a.status()).isEqualTo("ACTIVE");
        assertThat(a.computedDesiredCount()).isEqualTo(2);
        assertThat(a.scale().value()).isEqualTo(100.0);
        assertThat(a.scale().unitAsString()).isEqualTo("PERCENT");
        assertThat(a.taskDefinition()).isEqualTo(v1);
        assertThat(a.networkConfiguration()).isEqualTo(f.awsvpc());

        TaskSet aPrimary = f.ecs.updateServicePrimaryTaskSet(b -> b.cluster("c").service("web")
                .primaryTaskSet(a.taskSetArn())).taskSet();
        assertThat(aPrimary.status()).isEqualTo("PRIMARY");
        Service onA = until("web", s -> steadyAt(set(s, a.id()), 2) && s.runningCount() == 2);
        assertThat(onA.taskDefinition()).isEqualTo(v1);
        assertThat(onA.networkConfiguration()).isEqualTo(f.awsvpc());
        List<Task> aTasks = tasks("web", "RUNNING");
        assertThat(aTasks).hasSize(2).allSatisfy(t -> {
            assertThat(t.startedBy()).isEqualTo(a.id());
            assertThat(t.group()).isEqualTo("service:web");
            assertThat(t.taskDefinitionArn()).isEqualTo(v1);
        });
        assertThat(onA.events().stream().map(ServiceEvent::message))
                .contains("(service web) has reached a steady state.");

        TaskSet b = createSet("web", v2);
        Service both = until("web", s -> steadyAt(set(s, b.id()), 2) && s.runningCount() == 4);
        assertThat(set(both, a.id()).status()).isEqualTo("PRIMARY");
        assertThat(set(both, b.id()).status()).isEqualTo("ACTIVE");

        f.ecs.updateServicePrimaryTaskSet(r -> r.cluster("c").service("web").primaryTaskSet(b.id()));
        Service onB = describe("web");
        assertThat(set(onB, a.id()).status()).isEqualTo("ACTIVE");
        assertThat(set(onB, b.id()).status()).isEqualTo("PRIMARY");
        assertThat(onB.taskDefinition()).isEqualTo(v2);

        assertThatThrownBy(() -> f.ecs.deleteTaskSet(r -> r.cluster("c").service("web").taskSet(a.taskSetArn())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("has not been scaled down to zero");
        TaskSet deleted = f.ecs.deleteTaskSet(r -> r.cluster("c").service("web").taskSet(a.taskSetArn()).force(true))
                .taskSet();
        assertThat(deleted.status()).isEqualTo("DRAINING");

        // (the fleet may compact the instances A's tasks leave: B's tasks may move, so B is awaited steady again)
        Service after = until("web", x -> x.taskSets().size() == 1 && steadyAt(set(x, b.id()), 2)
                && x.runningCount() == 2);
        assertThat(after.taskSets().get(0).status()).isEqualTo("PRIMARY");
        List<String> aArns = aTasks.stream().map(Task::taskArn).toList();
        assertThat(f.ecs.describeTasks(r -> r.cluster("c").tasks(aArns)).tasks())
                .hasSize(2).allSatisfy(t -> assertThat(t.lastStatus()).isEqualTo("STOPPED"));
        // (a task on an instance the fleet drains meanwhile may be replaced: more than 2 may be desired RUNNING)
        assertThat(tasks("web", "RUNNING")).allSatisfy(t -> assertThat(t.startedBy()).isEqualTo(b.id()))
                .filteredOn(t -> t.lastStatus().equals("RUNNING")).hasSizeGreaterThanOrEqualTo(2);
        DescribeTaskSetsResponse gone = f.ecs.describeTaskSets(r -> r.cluster("c").service("web")
                .taskSets(a.taskSetArn()));
        assertThat(gone.taskSets()).isEmpty();
        assertThat(gone.failures()).singleElement()
                .satisfies(x -> assertThat(x.reason()).isEqualTo("MISSING"));
    }

    /** UpdateTaskSet scales by percent (rounded up), UpdateService's desired count follows; errors. */
    @Test
    void updateTaskSet_scalesByPercentRoundedUp_andRefusesOutOfRange() throws Exception {
        external("web", 3);
        TaskSet a = createSet("web", v1);
        TaskSet half = f.ecs.updateTaskSet(r -> r.cluster("c").service("web").taskSet(a.id())
                .scale(s -> s.value(50.0).unit("PERCENT"))).taskSet();
        assertThat(half.computedDesiredCount()).isEqualTo(2); // 3 × 50 % = 1.5 → 2
        until("web", s -> steadyAt(set(s, a.id()), 2));
        assertThat(tasks("web", "RUNNING")).hasSize(2);

        f.ecs.updateService(r -> r.cluster("c").service("web").desiredCount(6));
        Service six = until("web", s -> steadyAt(set(s, a.id()), 3));
        assertThat(set(six, a.id()).computedDesiredCount()).isEqualTo(3);

        assertThatThrownBy(() -> f.ecs.updateTaskSet(r -> r.cluster("c").service("web").taskSet(a.id())
                .scale(s -> s.value(101.0).unit("PERCENT")))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("scale.value must be between 0 and 100");
        assertThatThrownBy(() -> f.ecs.updateTaskSet(r -> r.cluster("c").service("web").taskSet("ecs-svc/1")
                .scale(s -> s.value(10.0).unit("PERCENT")))).isInstanceOf(TaskSetNotFoundException.class);

        // scaled to 0 it may be deleted without force
        f.ecs.updateTaskSet(r -> r.cluster("c").service("web").taskSet(a.id()).scale(s -> s.value(0.0)
                .unit("PERCENT")));
        assertThat(f.ecs.deleteTaskSet(r -> r.cluster("c").service("web").taskSet(a.id())).taskSet()
                .status()).isEqualTo("DRAINING");
        until("web", s -> s.taskSets().isEmpty() && s.runningCount() == 0);
        assertThatThrownBy(() -> f.ecs.deleteTaskSet(r -> r.cluster("c").service("web").taskSet(a.id())))
                .isInstanceOf(TaskSetNotFoundException.class);
    }

    /** DescribeTaskSets: all or named sets, TAGS on request, MISSING failures; task set ARNs take tags. */
    @Test
    void describeTaskSets_includeTags_missingFailures_andTagResource() {
        external("web", 1);
        TaskSet a = f.ecs.createTaskSet(b -> b.cluster("c").service("web").taskDefinition(v1)
                .networkConfiguration(f.awsvpc()).externalId("deploy-7").tags(t -> t.key("k1").value("v1")))
                .taskSet();
        assertThat(a.externalId()).isEqualTo("deploy-7");
        assertThat(f.ecs.describeTaskSets(b -> b.cluster("c").service("web")).taskSets()).singleElement()
                .satisfies(ts -> assertThat(ts.tags()).isEmpty());
        f.ecs.tagResource(b -> b.resourceArn(a.taskSetArn()).tags(t -> t.key("k2").value("v2")));
        DescribeTaskSetsResponse r = f.ecs.describeTaskSets(b -> b.cluster("c").service("web")
                .taskSets(a.id(), "ecs-svc/42").include(TaskSetField.TAGS));
        assertThat(r.taskSets()).singleElement().satisfies(ts -> assertThat(ts.tags()).containsExactly(
                Tag.builder().key("k1").value("v1").build(), Tag.builder().key("k2").value("v2").build()));
        assertThat(r.failures()).singleElement().satisfies(x -> {
            assertThat(x.arn()).isEqualTo("ecs-svc/42");
            assertThat(x.reason()).isEqualTo("MISSING");
        });
        assertThat(f.ecs.listTagsForResource(b -> b.resourceArn(a.taskSetArn())).tags()).hasSize(2);
    }

    /** Task sets are rows of their service: they survive a restart with their scale, status and tags. */
    @Test
    void taskSets_surviveARestart() throws Exception {
        external("web", 4);
        TaskSet a = f.ecs.createTaskSet(b -> b.cluster("c").service("web").taskDefinition(v1)
                .networkConfiguration(f.awsvpc()).scale(s -> s.value(25.0).unit("PERCENT"))
                .tags(t -> t.key("k").value("v"))).taskSet();
        f.ecs.updateServicePrimaryTaskSet(b -> b.cluster("c").service("web").primaryTaskSet(a.id()));
        f.crash();
        f.plane.close();
        f = new EcsServerFixture(dir);
        TaskSet back = f.ecs.describeTaskSets(b -> b.cluster("c").service("web").include(TaskSetField.TAGS))
                .taskSets().get(0);
        assertThat(back.id()).isEqualTo(a.id());
        assertThat(back.status()).isEqualTo("PRIMARY");
        assertThat(back.scale().value()).isEqualTo(25.0);
        assertThat(back.computedDesiredCount()).isEqualTo(1);
        assertThat(back.tags()).containsExactly(Tag.builder().key("k").value("v").build());
        assertThat(describe("web").taskDefinition()).isEqualTo(v1);
    }

    /** Where task sets are refused: services of the ECS controller, unknown services and clusters, limits. */
    @Test
    void createTaskSet_errors() {
        f.ecs.createService(CreateServiceRequest.builder().cluster("c").serviceName("rolling").taskDefinition(v1)
                .desiredCount(0).networkConfiguration(f.awsvpc()).build());
        assertThatThrownBy(() -> createSet("rolling", v1)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(NOT_EXTERNAL);
        assertThatThrownBy(() -> createSet("nope", v1)).isInstanceOf(ServiceNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.createTaskSet(b -> b.cluster("nowhere").service("web").taskDefinition(v1)))
                .isInstanceOf(ClusterNotFoundException.class);

        external("web", 0);
        assertThatThrownBy(() -> f.ecs.createTaskSet(b -> b.cluster("c").service("web").taskDefinition(v1)
                .networkConfiguration(f.awsvpc()).loadBalancers(l -> l.containerName("web").containerPort(80),
                        l -> l.containerName("web").containerPort(80))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("CreateTaskSet cannot have more than 1 load balancer.");
        for (int i = 0; i < 5; i++) {
            createSet("web", v1);
        }
        assertThatThrownBy(() -> createSet("web", v1)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("5 deployments exist on the service. Unable to create new TaskSet since this"
                        + " exceeds the maximum limit.");
        assertThatThrownBy(() -> f.ecs.updateServicePrimaryTaskSet(b -> b.cluster("c").service("web")
                .primaryTaskSet("ecs-svc/1"))).isInstanceOf(TaskSetNotFoundException.class);
    }

    /** CreateService and UpdateService with the EXTERNAL controller refuse what belongs to task sets. */
    @Test
    void externalService_refusesTaskSetMembers() {
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").taskDefinition(v1)
                .desiredCount(1).deploymentController(d -> d.type("EXTERNAL"))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("TaskDefinition must be blank.");
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").taskDefinition("")
                .desiredCount(1).deploymentController(d -> d.type("EXTERNAL"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Family should not be null or empty.");
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("x").launchType("FARGATE")
                .desiredCount(1).deploymentController(d -> d.type("EXTERNAL"))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("LaunchType must be blank.");
        external("web", 1);
        assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("c").service("web").taskDefinition(v2)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining(
                        "Unable to update task definition on services with an EXTERNAL deployment controller.");
        assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("c").service("web")
                .networkConfiguration(f.awsvpc()))).isInstanceOf(InvalidParameterException.class);
        assertThat(f.ecs.updateService(b -> b.cluster("c").service("web").desiredCount(4)
                .healthCheckGracePeriodSeconds(30)).service().desiredCount()).isEqualTo(4);
    }

    /**
     * A CODE_DEPLOY service: CreateService makes its PRIMARY task set from the service's task definition, which runs
     * the desired count; UpdateService refuses a new task definition with ECS's message and scales the set with the
     * desired count; task set management calls are refused.
     */
    @Test
    void codeDeploy_initialTaskSetRunsTasks_andTaskDefinitionUpdateRefused() throws Exception {
        Service created = f.ecs.createService(b -> b.cluster("c").serviceName("bg").taskDefinition(v1)
                .desiredCount(2).networkConfiguration(f.awsvpc()).deploymentController(d -> d.type("CODE_DEPLOY")))
                .service();
        assertThat(created.deployments()).isEmpty();
        TaskSet initial = created.taskSets().get(0);
        assertThat(created.taskSets()).hasSize(1);
        assertThat(initial.status()).isEqualTo("PRIMARY");
        assertThat(initial.taskDefinition()).isEqualTo(v1);
        assertThat(initial.computedDesiredCount()).isEqualTo(2);
        assertThat(initial.taskSetArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:task-set/c/bg/"
                + initial.id());

        until("bg", s -> steadyAt(set(s, initial.id()), 2) && s.runningCount() == 2);
        assertThat(tasks("bg", "RUNNING")).hasSize(2)
                .allSatisfy(t -> assertThat(t.startedBy()).isEqualTo(initial.id()));

        assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("c").service("bg").taskDefinition(v2)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Unable to update task"
                        + " definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to"
                        + " trigger a new deployment.");
        assertThatThrownBy(() -> createSet("bg", v2)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(NOT_EXTERNAL);
        assertThat(f.ecs.describeTaskSets(b -> b.cluster("c").service("bg")).taskSets()).singleElement()
                .satisfies(ts -> assertThat(ts.id()).isEqualTo(initial.id()));

        f.ecs.updateService(b -> b.cluster("c").service("bg").desiredCount(3));
        until("bg", s -> steadyAt(set(s, initial.id()), 3) && s.runningCount() == 3);
    }
}
