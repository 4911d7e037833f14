package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

class TaskApiTest extends EcsServerTestBase {
    TaskDefinition td;

    @BeforeEach
    void setUp() {
        f.miCluster("c");
        td = f.register(EcsServerFixture.nginx("web"));
    }

    private Task describe(String arn) {
        return f.ecs.describeTasks(b -> b.cluster("c").tasks(arn)).tasks().get(0);
    }

    @Test
    void runTask_defaultStrategy_reachesRunningWithEniAndInstance() {
        RunTaskResponse r = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").count(2)
                .networkConfiguration(f.awsvpc()).startedBy("me").tags(t -> t.key("k").value("v")));
        assertThat(r.failures()).isEmpty();
        assertThat(r.tasks()).hasSize(2).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("PROVISIONING");
            assertThat(t.desiredStatus()).isEqualTo("RUNNING");
            assertThat(t.capacityProviderName()).isEqualTo("c-mi");
            assertThat(t.group()).isEqualTo("family:web");
            assertThat(t.taskArn()).matches("arn:aws:ecs:us-east-1:000000000000:task/c/[0-9a-f]{32}");
        });
        List<String> arns = r.tasks().stream().map(Task::taskArn).toList();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(arns));
        Task t = describe(arns.get(0));
        assertThat(t.lastStatus()).isEqualTo("RUNNING");
        assertThat(t.pullStartedAt()).isNotNull();
        assertThat(t.pullStoppedAt()).isAfterOrEqualTo(t.pullStartedAt());
        assertThat(t.startedAt()).isAfterOrEqualTo(t.pullStoppedAt());
        assertThat(t.containerInstanceArn()).contains(":container-instance/c/");
        assertThat(t.availabilityZone()).startsWith("us-east-1");
        assertThat(t.attachments()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("ElasticNetworkInterface");
            assertThat(a.status()).isEqualTo("ATTACHED");
            assertThat(a.details()).extracting(KeyValuePair::name).contains("privateIPv4Address", "subnetId");
        });
        assertThat(t.containers()).singleElement().satisfies(c -> assertThat(c.lastStatus()).isEqualTo("RUNNING"));
        assertThat(f.ecs.listTasks(b -> b.cluster("c").startedBy("me")).taskArns()).hasSize(2);
        assertThat(f.ecs.listTasks(b -> b.cluster("c").family("web")).taskArns()).hasSize(2);
        assertThat(f.ecs.listTasks(b -> b.cluster("c").containerInstance(t.containerInstanceArn())).taskArns())
                .contains(t.taskArn());
        assertThat(f.ecs.describeTasks(b -> b.cluster("c").tasks(t.taskArn()).includeWithStrings("TAGS")).tasks()
                .get(0).tags()).hasSize(1);
    }

    @Test
    void stopTask_running_walksToStoppedWithUserInitiated() {
        String arn = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc()))
                .tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(arn));
        Task stopping = f.ecs.stopTask(b -> b.cluster("c").task(arn).reason("done")).task();
        assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
        f.waiter.waitUntilTasksStopped(b -> b.cluster("c").tasks(arn));
        Task t = describe(arn);
        assertThat(t.lastStatus()).isEqualTo("STOPPED");
        assertThat(t.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(t.stoppedReason()).isEqualTo("done");
        assertThat(t.stoppingAt()).isNotNull();
        assertThat(t.stoppedAt()).isAfterOrEqualTo(t.stoppingAt());
        assertThat(t.attachments().get(0).status()).isEqualTo("DELETED");
        assertThat(f.ecs.listTasks(b -> b.cluster("c").desiredStatus("STOPPED")).taskArns()).contains(arn);
    }

    @Test
    void runTask_runSecondsAndExitCodeEnv_exitsByItself() {
        String arn = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc())
                .overrides(o -> o.containerOverrides(c -> c.name("web").environment(
                        KeyValuePair.builder().name("STEVEDORE_RUN_SECONDS").value("5").build(),
                        KeyValuePair.builder().name("STEVEDORE_EXIT_CODE").value("3").build()))))
                .tasks().get(0).taskArn();
        f.waiter.waitUntilTasksStopped(b -> b.cluster("c").tasks(arn));
        Task t = describe(arn);
        assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(t.containers().get(0).exitCode()).isEqualTo(3);
        assertThat(t.startedAt()).isNotNull();
    }

    /**
     * A subnet that does not exist is named with EC2's error code, in ECS's words ("Error retrieving subnet
     * information for [x]: The subnet ID 'x' does not exist (ErrorCode: InvalidSubnetID.NotFound)", quoted from
     * CreateService in eddmann/serverless-fargate issue 20).
     */
    @Test
    void runTask_unknownSubnet_namesEc2ErrorCodeAsEcsDoes() {
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0123456789abcdef0")))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageStartingWith("Error retrieving subnet information for [subnet-0123456789abcdef0]: The"
                        + " subnet ID 'subnet-0123456789abcdef0' does not exist (ErrorCode:"
                        + " InvalidSubnetID.NotFound)");
    }

    @Test
    void runTask_invalidRequests_rejected() {
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("nope").taskDefinition("web")))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Network Configuration");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").count(11)
                .networkConfiguration(f.awsvpc()))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("count");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("nope")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("TaskDefinition not found");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").launchType("FARGATE")
                .capacityProviderStrategy(s -> s.capacityProvider("c-mi")).networkConfiguration(f.awsvpc())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("both a launch type");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0123456789abcdef0")))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(f.subnets().get(0))
                        .assignPublicIp("ENABLED"))))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("assignPublicIp");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")
                .networkConfiguration(f.awsvpc()).overrides(o -> o.containerOverrides(c -> c.name("ghost")))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("ghost");
        assertThatThrownBy(() -> f.ecs.stopTask(b -> b.cluster("c").task("0123456789abcdef0123456789abcdef")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void runTask_ec2LaunchTypeWithoutInstances_failure() {
        TaskDefinition ec2 = f.register(EcsServerFixture.nginx("ec2").requiresCompatibilitiesWithStrings("EC2"));
        var r = f.ecs.runTask(b -> b.cluster("c").taskDefinition(ec2.taskDefinitionArn()).launchType("EC2")
                .networkConfiguration(f.awsvpc()));
        assertThat(r.tasks()).isEmpty();
        assertThat(r.failures()).singleElement().satisfies(x -> assertThat(x.reason()).contains("No Container"));
    }

    @Test
    void runTask_fargateProvider_runsWithoutInstances() {
        f.ecs.putClusterCapacityProviders(b -> b.cluster("c").capacityProviders("FARGATE")
                .defaultCapacityProviderStrategy(s -> s.capacityProvider("c-mi").weight(1)));
        String arn = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc())
                .capacityProviderStrategy(s -> s.capacityProvider("FARGATE").weight(1))).tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(arn));
        assertThat(describe(arn).containerInstanceArn()).isNull();
        assertThat(f.ecs.listTasks(b -> b.cluster("c").launchType("FARGATE")).taskArns()).containsExactly(arn);
    }

    @Test
    void describeTasks_unknownAndEmpty() {
        var r = f.ecs.describeTasks(b -> b.cluster("c").tasks("0123456789abcdef0123456789abcdef"));
        assertThat(r.failures()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo("MISSING"));
        assertThatThrownBy(() -> f.ecs.describeTasks(b -> b.cluster("c").tasks(List.of())))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void listTasks_paginates() {
        f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").count(5).networkConfiguration(f.awsvpc()));
        var first = f.ecs.listTasks(b -> b.cluster("c").maxResults(2));
        assertThat(first.taskArns()).hasSize(2);
        assertThat(first.nextToken()).isNotNull();
        assertThat(f.ecs.listTasksPaginator(b -> b.cluster("c").maxResults(2)).taskArns()).hasSize(5)
                .doesNotHaveDuplicates();
    }

    @Test
    void taskProtection_serviceTaskProtected_standaloneRefused() {
        f.ecs.createService(b -> b.cluster("c").serviceName("s").taskDefinition("web").desiredCount(1)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        String svcTask = f.ecs.listTasks(b -> b.cluster("c").serviceName("s")).taskArns().get(0);
        String standalone = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc()))
                .tasks().get(0).taskArn();
        var u = f.ecs.updateTaskProtection(b -> b.cluster("c").tasks(svcTask, standalone).protectionEnabled(true)
                .expiresInMinutes(60));
        assertThat(u.protectedTasks()).singleElement().satisfies(p -> {
            assertThat(p.protectionEnabled()).isTrue();
            assertThat(p.expirationDate()).isNotNull();
        });
        assertThat(u.failures()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo("TASK_NOT_VALID"));
        assertThat(f.ecs.getTaskProtection(b -> b.cluster("c").tasks(svcTask)).protectedTasks().get(0)
                .protectionEnabled()).isTrue();
        assertThatThrownBy(() -> f.ecs.updateTaskProtection(b -> b.cluster("c").tasks(svcTask)
                .protectionEnabled(true).expiresInMinutes(3000))).isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void runTask_memberOfZone_placedInThatZone_andBadAttributeRefused() {
        String arn = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc())
                .placementConstraints(p -> p.type("memberOf").expression("attribute:ecs.availability-zone =="
                        + " us-east-1b"))).tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(arn));
        assertThat(describe(arn).availabilityZone()).isEqualTo("us-east-1b");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")
                .networkConfiguration(f.awsvpc()).placementConstraints(p -> p.type("memberOf")
                        .expression("attribute:ecs.os-type == linux")))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("ecs.os-type").hasMessageContaining("Managed Instances capacity providers do not support");
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster("c").taskDefinition("web")
                .networkConfiguration(f.awsvpc()).placementConstraints(p -> p.type("memberOf").expression("(("))))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void createService_defaultStrategy_spreadsOverZones_distinctInstanceRefusedOnManagedInstances() {
        f.register(EcsServerFixture.nginx("tiny").cpu("256").memory("256"));
        f.ecs.createService(b -> b.cluster("c").serviceName("spread").taskDefinition("tiny").desiredCount(2)
                .networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("spread"));
        List<Task> tasks = f.ecs.describeTasks(b -> b.cluster("c").tasks(f.ecs.listTasks(l -> l.cluster("c")
                .serviceName("spread")).taskArns())).tasks();
        // ECS spreads a service over availability zones unless told otherwise (docs/decisions.md "Placement").
        assertThat(tasks).extracting(Task::availabilityZone).doesNotHaveDuplicates().hasSize(2);
        // Managed Instances accept only memberOf constraints (docs/api.md "Placement constraints and strategies").
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("c").serviceName("distinct")
                .taskDefinition("tiny").desiredCount(3).networkConfiguration(f.awsvpc())
                .placementConstraints(p -> p.type("distinctInstance")))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("distinctInstance").hasMessageContaining("Managed Instances");
        assertThat(f.ecs.listServices(b -> b.cluster("c")).serviceArns()).noneMatch(a -> a.endsWith("/distinct"));
    }
}
