package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.api.auth.RawClient;
import io.stevedore.control.agents.Agents;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerStateChange;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * The control plane's side of execution mode (docs/execution.md) through the SDK v2 EcsClient and signed HTTP
 * polls against a real server: the agent is simulated by these calls (no Docker here; the agent's own tests run
 * containers).
 */
class AgentApiTest extends EcsServerTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "edge";

    private void cluster() {
        f.ecs.createCluster(b -> b.clusterName(CLUSTER));
    }

    private ContainerInstance registerExternal(int cpu, int memory, Attribute... attributes) {
        return f.ecs.registerContainerInstance(b -> b.cluster(CLUSTER)
                .totalResources(Resource.builder().name("CPU").type("INTEGER").integerValue(cpu).build(),
                        Resource.builder().name("MEMORY").type("INTEGER").integerValue(memory).build(),
                        Resource.builder().name("PORTS").type("STRINGSET")
                                .stringSetValue("22", "2375", "2376", "51678", "51679").build(),
                        Resource.builder().name("PORTS_UDP").type("STRINGSET").stringSetValue(List.of()).build())
                .versionInfo(v -> v.agentVersion("0.1.0").agentHash("abc").dockerVersion("DockerVersion: 26.1.5"))
                .attributes(attributes)).containerInstance();
    }

    /** An EXTERNAL task definition: bridge mode, one essential container, optionally a host port and a check. */
    private static RegisterTaskDefinitionRequest.Builder bridge(String family, Integer hostPort, boolean check) {
        ContainerDefinition.Builder c = ContainerDefinition.builder().name("app").image("busybox:latest")
                .essential(true).command("sleep", "3600");
        if (hostPort != null) {
            c.portMappings(p -> p.containerPort(80).hostPort(hostPort).protocol("tcp"));
        }
        if (check) {
            c.healthCheck(h -> h.command("CMD-SHELL", "true").interval(5).retries(1));
        }
        return RegisterTaskDefinitionRequest.builder().family(family).cpu("256").memory("512").networkMode("bridge")
                .requiresCompatibilitiesWithStrings("EXTERNAL").containerDefinitions(c.build());
    }

    private Task runExternal(String family) {
        RunTaskResponse r = f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition(family).launchType("EXTERNAL"));
        assertThat(r.failures()).isEmpty();
        assertThat(r.tasks()).hasSize(1);
        return r.tasks().get(0);
    }

    private Task describe(String taskArn) {
        return f.ecs.describeTasks(b -> b.cluster(CLUSTER).tasks(taskArn)).tasks().get(0);
    }

    private ContainerInstance describeInstance(String arn) {
        return f.ecs.describeContainerInstances(b -> b.cluster(CLUSTER).containerInstances(arn))
                .containerInstances().get(0);
    }

    /** One signed poll; the answer's status and body. */
    private RawClient.Response pollRaw(String cluster, String ci, long seen, int wait, ArrayNode health)
            throws Exception {
        ObjectNode body = JSON.createObjectNode().put("cluster", cluster).put("containerInstanceArn", ci)
                .put("seen", seen).put("waitSeconds", wait);
        body.putArray("running");
        body.set("health", health == null ? JSON.createArrayNode() : health);
        String text = body.toString();
        URI uri = URI.create(f.endpoint() + "/agent/v1/poll");
        return RawClient.send(RawClient.sign(uri, Map.of("Content-Type", "application/json"), text,
                RawClient.Signing.ecs("test", "test")), text);
    }

    private JsonNode poll(String ci, long seen, int wait) throws Exception {
        return poll(ci, seen, wait, null);
    }

    private JsonNode poll(String ci, long seen, int wait, ArrayNode health) throws Exception {
        RawClient.Response r = pollRaw(CLUSTER, ci, seen, wait, health);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.get()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
            Thread.sleep(20);
        }
    }

    private void report(String taskArn, String status, ContainerStateChange... containers) {
        assertThat(f.ecs.submitTaskStateChange(b -> b.cluster(CLUSTER).task(taskArn).status(status)
                .containers(containers)).acknowledgment()).isEqualTo("ACK");
    }

    @Test
    void externalInstance_registeredActiveWithItsResources_andDiscoversThePollEndpoint() {
        cluster();
        ContainerInstance ci = registerExternal(2048, 4096, Attribute.builder().name("site").value("lab").build());
        assertThat(ci.ec2InstanceId()).matches("mi-[0-9a-f]{17}");
        ContainerInstance d = describeInstance(ci.containerInstanceArn());
        assertThat(d.status()).isEqualTo("ACTIVE");
        assertThat(d.agentConnected()).isTrue();
        assertThat(d.capacityProviderName()).isNull();
        assertThat(d.versionInfo().agentVersion()).isEqualTo("0.1.0");
        assertThat(d.registeredResources()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo("CPU");
            assertThat(r.integerValue()).isEqualTo(2048);
        });
        assertThat(d.remainingResources()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo("MEMORY");
            assertThat(r.integerValue()).isEqualTo(4096);
        });
        assertThat(d.attributes()).extracting(Attribute::name)
                .contains("ecs.capability.external", "ecs.os-type", "ecs.cpu-architecture", "site");
        assertThat(f.ecs.listContainerInstances(b -> b.cluster(CLUSTER)).containerInstanceArns())
                .containsExactly(ci.containerInstanceArn());
        assertThat(f.ecs.discoverPollEndpoint(b -> b.cluster(CLUSTER).containerInstance(ci.containerInstanceArn()))
                .endpoint()).isEqualTo(f.endpoint().toString());
        // an agent restarting with its saved ARN gets the same instance
        ContainerInstance again = f.ecs.registerContainerInstance(b -> b.cluster(CLUSTER)
                .containerInstanceArn(ci.containerInstanceArn())).containerInstance();
        assertThat(again.containerInstanceArn()).isEqualTo(ci.containerInstanceArn());
    }

    @Test
    void task_runsOnlyAsTheAgentReports_runningThenStoppedWithItsExitCode() throws Exception {
        cluster();
        String ci = registerExternal(2048, 4096).containerInstanceArn();
        f.register(bridge("job", null, false));
        Task t = runExternal("job");
        assertThat(t.containerInstanceArn()).isEqualTo(ci);
        assertThat(t.lastStatus()).isEqualTo("PENDING");
        assertThat(t.launchTypeAsString()).isEqualTo("EXTERNAL");

        JsonNode p = poll(ci, 0, 20);
        assertThat(p.path("tasks")).hasSize(1);
        JsonNode a = p.path("tasks").get(0);
        assertThat(a.path("taskArn").asText()).isEqualTo(t.taskArn());
        assertThat(a.path("desiredStatus").asText()).isEqualTo("RUNNING");
        assertThat(a.path("taskDefinition").path("family").asText()).isEqualTo("job");
        assertThat(a.path("taskDefinition").path("containerDefinitions").get(0).path("image").asText())
                .isEqualTo("busybox:latest");
        assertThat(a.path("eni").isNull()).isTrue();
        assertThat(p.path("heartbeatSeconds").asInt()).isPositive();

        Thread.sleep(300); // hundreds of simulated seconds at this plane's speed: no timer moves it
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("PENDING");

        report(t.taskArn(), "RUNNING", ContainerStateChange.builder().containerName("app").status("RUNNING")
                .runtimeId("d0c4e7").networkBindings(NetworkBinding.builder().bindIP("0.0.0.0").hostPort(32768)
                        .containerPort(80).protocol("tcp").build()).build());
        Task running = describe(t.taskArn());
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.startedAt()).isNotNull();
        Container c = running.containers().get(0);
        assertThat(c.lastStatus()).isEqualTo("RUNNING");
        assertThat(c.runtimeId()).isEqualTo("d0c4e7");
        assertThat(c.networkBindings()).extracting(NetworkBinding::hostPort).containsExactly(32768);
        assertThat(describeInstance(ci).runningTasksCount()).isEqualTo(1);

        Instant exited = Instant.now().minusSeconds(1);
        f.ecs.submitTaskStateChange(b -> b.cluster(CLUSTER).task(t.taskArn()).status("STOPPED")
                .reason("Essential container in task exited").executionStoppedAt(exited)
                .containers(ContainerStateChange.builder().containerName("app").status("STOPPED").exitCode(3)
                        .reason("exited").build()));
        Task stopped = describe(t.taskArn());
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo(TaskStopCode.ESSENTIAL_CONTAINER_EXITED);
        assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(stopped.containers().get(0).exitCode()).isEqualTo(3);
        assertThat(stopped.stoppedAt()).isNotNull();
        assertThat(stopped.executionStoppedAt()).isEqualTo(exited.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        // a retried report of a STOPPED task is acknowledged and changes nothing
        report(t.taskArn(), "RUNNING");
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("STOPPED");

        JsonNode after = poll(ci, p.path("version").asLong(), 20);
        assertThat(after.path("version").asLong()).isNotEqualTo(p.path("version").asLong());
        assertThat(after.path("tasks")).isEmpty();
    }

    @Test
    void stopTask_wakesTheHeldPoll_withDesiredStopped_andFinishesWhenTheAgentReports() throws Exception {
        cluster();
        String ci = registerExternal(2048, 4096).containerInstanceArn();
        f.register(bridge("svc", null, false));
        Task t = runExternal("svc");
        JsonNode first = poll(ci, 0, 20);
        report(t.taskArn(), "RUNNING");
        long seen = first.path("version").asLong();
        long start = System.nanoTime();
        CompletableFuture<JsonNode> held = CompletableFuture.supplyAsync(() -> {
            try {
                return poll(ci, seen, 20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(held).isNotDone(); // nothing changed: held
        f.ecs.stopTask(b -> b.cluster(CLUSTER).task(t.taskArn()).reason("maintenance"));
        JsonNode woken = held.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(woken.path("tasks").get(0).path("desiredStatus").asText()).isEqualTo("STOPPED");
        assertThat(woken.path("tasks").get(0).path("stopReason").asText()).isEqualTo("maintenance");

        Thread.sleep(200); // no timer stops it: it runs until the agent says it stopped
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("RUNNING");
        report(t.taskArn(), "STOPPED", ContainerStateChange.builder().containerName("app").status("STOPPED")
                .exitCode(143).build());
        Task stopped = describe(t.taskArn());
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo(TaskStopCode.USER_INITIATED);
        assertThat(stopped.stoppedReason()).isEqualTo("maintenance");
        assertThat(stopped.containers().get(0).exitCode()).isEqualTo(143);
    }

    @Test
    void silentAgent_disconnected_thenItsServiceTaskReplacedOnAnotherInstance() throws Exception {
        f.plane.agents().configure(new Agents.Settings(Duration.ofSeconds(2), Duration.ofSeconds(2)));
        cluster();
        String quiet = registerExternal(1024, 1024).containerInstanceArn(); // least memory: binpack picks it
        String alive = registerExternal(4096, 8192).containerInstanceArn();
        AtomicBoolean polling = new AtomicBoolean(true);
        CompletableFuture<Void> heartbeat = CompletableFuture.runAsync(() -> {
            while (polling.get()) {
                try {
                    poll(alive, 0, 0);
                    Thread.sleep(200);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try {
            f.register(bridge("web", null, false));
            f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("web").taskDefinition("web").desiredCount(1)
                    .launchType("EXTERNAL"));
            await("the service task on the quiet instance", () -> f.ecs.listTasks(b -> b.cluster(CLUSTER)
                    .containerInstance(quiet)).taskArns().size() == 1);
            String first = f.ecs.listTasks(b -> b.cluster(CLUSTER).containerInstance(quiet)).taskArns().get(0);

            await("agentConnected false", () -> !describeInstance(quiet).agentConnected());
            assertThat(describe(first).lastStatus()).isNotEqualTo("STOPPED"); // within the grace: kept
            assertThat(describeInstance(alive).agentConnected()).isTrue();

            await("the lost task stopped", () -> describe(first).lastStatus().equals("STOPPED"));
            assertThat(describe(first).stoppedReason()).contains("stopped reporting").contains("mi-");
            await("a replacement on the connected instance", () -> f.ecs.listTasks(b -> b.cluster(CLUSTER)
                    .containerInstance(alive)).taskArns().size() == 1);
        } finally {
            polling.set(false);
            heartbeat.get(10, TimeUnit.SECONDS);
        }
        // the agent comes back: connected again
        poll(quiet, 0, 0);
        assertThat(describeInstance(quiet).agentConnected()).isTrue();
    }

    @Test
    void unhealthyContainer_taskUnhealthy_andTheServiceReplacesIt() throws Exception {
        cluster();
        String ci = registerExternal(4096, 8192).containerInstanceArn();
        f.register(bridge("api", null, true));
        f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("api").taskDefinition("api").desiredCount(1)
                .launchType("EXTERNAL"));
        await("the service task placed", () -> f.ecs.listTasks(b -> b.cluster(CLUSTER).containerInstance(ci))
                .taskArns().size() == 1);
        String first = f.ecs.listTasks(b -> b.cluster(CLUSTER).containerInstance(ci)).taskArns().get(0);
        report(first, "RUNNING");
        ArrayNode healthy = JSON.createArrayNode();
        healthy.addObject().put("taskArn", first).put("containerName", "app").put("status", "HEALTHY");
        poll(ci, 0, 0, healthy);
        assertThat(describe(first).healthStatusAsString()).isEqualTo("HEALTHY");
        assertThat(describe(first).containers().get(0).healthStatusAsString()).isEqualTo("HEALTHY");

        ArrayNode unhealthy = JSON.createArrayNode();
        unhealthy.addObject().put("taskArn", first).put("containerName", "app").put("status", "UNHEALTHY");
        poll(ci, 0, 0, unhealthy);
        Task t = describe(first);
        assertThat(t.healthStatusAsString()).isEqualTo("UNHEALTHY");
        assertThat(t.desiredStatus()).isEqualTo("STOPPED");
        assertThat(t.stoppedReason()).isEqualTo("Task failed container health checks");
        await("a replacement task", () -> f.ecs.listTasks(b -> b.cluster(CLUSTER).serviceName("api")
                .desiredStatus("RUNNING")).taskArns().stream().anyMatch(a -> !a.equals(first)));
        report(first, "STOPPED");
        assertThat(describe(first).stopCode()).isEqualTo(TaskStopCode.SERVICE_SCHEDULER_INITIATED);
    }

    @Test
    void placement_holdsResourcesAndHostPorts_andRefusesAwsvpc() {
        cluster();
        String ci = registerExternal(1024, 1024).containerInstanceArn();
        f.register(bridge("port", 8080, false));
        runExternal("port");
        RunTaskResponse second = f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("port").launchType("EXTERNAL"));
        assertThat(second.tasks()).isEmpty();
        assertThat(second.failures()).extracting(x -> x.reason()).containsExactly("RESOURCE:PORTS");
        f.register(bridge("big", null, false).memory("2048"));
        assertThat(f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("big").launchType("EXTERNAL")).failures())
                .extracting(x -> x.reason()).containsExactly("RESOURCE:MEMORY");
        f.register(bridge("picky", null, false).placementConstraints(c -> c.type("memberOf")
                .expression("attribute:site == lab")));
        assertThat(f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("picky").launchType("EXTERNAL")).failures())
                .extracting(x -> x.reason()).containsExactly("MemberOf placement constraint unsatisfied.");
        f.ecs.putAttributes(b -> b.cluster(CLUSTER).attributes(Attribute.builder().name("site").value("lab")
                .targetId(ci).build()));
        assertThat(runExternal("picky").containerInstanceArn()).isEqualTo(ci);

        f.register(RegisterTaskDefinitionRequest.builder().family("vpc").cpu("256").memory("512")
                .networkMode("awsvpc").requiresCompatibilitiesWithStrings("EXTERNAL")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("busybox").essential(true)
                        .build()));
        assertThatThrownBy(() -> f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("vpc").launchType("EXTERNAL")
                .networkConfiguration(f.awsvpc())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("awsvpc network mode");
        // no external instance in another cluster
        f.ecs.createCluster(b -> b.clusterName("empty"));
        assertThat(f.ecs.runTask(b -> b.cluster("empty").taskDefinition("port").launchType("EXTERNAL")).failures())
                .extracting(x -> x.reason()).containsExactly("No Container Instances were found in your cluster.");
    }

    @Test
    void deregistration_refusesRunningTasksUnlessForced_andAgentUpdatesAreRefused() throws Exception {
        cluster();
        String ci = registerExternal(2048, 4096).containerInstanceArn();
        f.register(bridge("job", null, false));
        Task t = runExternal("job");
        assertThatThrownBy(() -> f.ecs.deregisterContainerInstance(b -> b.cluster(CLUSTER).containerInstance(ci)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Found running tasks");
        assertThatThrownBy(() -> f.ecs.updateContainerAgent(b -> b.cluster(CLUSTER).containerInstance(ci)))
                .isInstanceOf(EcsException.class)
                .satisfies(e -> assertThat(((EcsException) e).awsErrorDetails().errorCode())
                        .isEqualTo("MissingVersionException"));
        ContainerInstance gone = f.ecs.deregisterContainerInstance(b -> b.cluster(CLUSTER).containerInstance(ci)
                .force(true)).containerInstance();
        assertThat(gone.status()).isEqualTo("INACTIVE");
        assertThat(gone.agentConnected()).isFalse();
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("STOPPED");
        RawClient.Response r = pollRaw(CLUSTER, ci, 0, 0, null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("InvalidParameterException").contains("register it again");
        assertThat(f.ecs.listContainerInstances(b -> b.cluster(CLUSTER)).containerInstanceArns()).isEmpty();
    }

    @Test
    void errors_badRegistrationsAndPolls_answeredAsEcs() throws Exception {
        cluster();
        assertThatThrownBy(() -> f.ecs.registerContainerInstance(b -> b.cluster(CLUSTER)
                .totalResources(Resource.builder().name("CPU").type("INTEGER").integerValue(1024).build())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("MEMORY");
        assertThatThrownBy(() -> f.ecs.registerContainerInstance(b -> b.cluster(CLUSTER)
                .instanceIdentityDocument("{\"instanceId\":\"i-0123456789abcdef0\",\"region\":\"us-east-1\"}")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("i-0123456789abcdef0");
        assertThatThrownBy(() -> f.ecs.registerContainerInstance(b -> b.cluster("nope")
                .totalResources(Resource.builder().name("CPU").type("INTEGER").integerValue(1024).build())))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.submitTaskStateChange(b -> b.cluster(CLUSTER).task("nope").status("RUNNING")))
                .isInstanceOf(InvalidParameterException.class);

        String ci = registerExternal(1024, 1024).containerInstanceArn();
        RawClient.Response noCluster = pollRaw("nope", ci, 0, 0, null);
        assertThat(noCluster.status()).isEqualTo(400);
        assertThat(noCluster.body()).contains("ClusterNotFoundException");
        RawClient.Response unknown = pollRaw(CLUSTER, ci.replaceAll(".$", "0") + "x", 0, 0, null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains("InvalidParameterException");
        RawClient.Response unsigned = RawClient.send(software.amazon.awssdk.http.SdkHttpFullRequest.builder()
                .uri(URI.create(f.endpoint() + "/agent/v1/poll")).method(software.amazon.awssdk.http.SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/json").build(), "{}");
        assertThat(unsigned.status()).isEqualTo(400);
        assertThat(unsigned.body()).contains("MissingAuthenticationTokenException");
        RawClient.Response notJson = RawClient.send(RawClient.sign(URI.create(f.endpoint() + "/agent/v1/poll"),
                Map.of("Content-Type", "application/json"), "[1]", RawClient.Signing.ecs("test", "test")), "[1]");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).contains("SerializationException");
    }

    @Test
    void managedInstance_attachedByIdentityDocument_itsTasksWaitForTheAgent() throws Exception {
        f.miCluster(CLUSTER);
        // small tasks, and a seed with no network interface (host mode): the instance keeps room for an awsvpc task
        f.register(EcsServerFixture.nginx("web").cpu("256").memory("256"));
        f.register(EcsServerFixture.nginx("seed").cpu("256").memory("256").networkMode("host"));
        Task seed = f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("seed")).tasks().get(0);
        await("a registered managed instance", () -> !f.ecs.listContainerInstances(b -> b.cluster(CLUSTER))
                .containerInstanceArns().isEmpty());
        // an agent on every registered instance, so that wherever the next task goes, an agent runs it
        List<String> arns = f.ecs.listContainerInstances(b -> b.cluster(CLUSTER)).containerInstanceArns();
        for (String each : arns) {
            ContainerInstance managed = describeInstance(each);
            String doc = JSON.createObjectNode().put("instanceId", managed.ec2InstanceId())
                    .put("region", "us-east-1").put("instanceType", "t4g.medium").put("accountId", "000000000000")
                    .toString();
            ContainerInstance attached = f.ecs.registerContainerInstance(b -> b.cluster(CLUSTER)
                    .instanceIdentityDocument(doc).instanceIdentityDocumentSignature("sig")
                    .versionInfo(v -> v.agentVersion("0.1.0"))).containerInstance();
            assertThat(attached.containerInstanceArn()).isEqualTo(each);
            assertThat(attached.capacityProviderName()).isEqualTo(managed.capacityProviderName());
            assertThat(attached.ec2InstanceId()).isEqualTo(managed.ec2InstanceId());
            assertThat(attached.versionInfo().agentVersion()).isEqualTo("0.1.0");
        }
        Task t = f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("web").networkConfiguration(f.awsvpc())
                .placementConstraints(c -> c.type("memberOf").expression("attribute:ecs.availability-zone == "
                        + describeInstance(arns.get(0)).attributes().stream()
                        .filter(a -> a.name().equals("ecs.availability-zone")).findFirst().orElseThrow().value())))
                .tasks().get(0);
        await("the task placed", () -> describe(t.taskArn()).containerInstanceArn() != null);
        String arn = describe(t.taskArn()).containerInstanceArn();
        assertThat(arns).as("no new instance launched while the attached ones have room").contains(arn);
        Thread.sleep(300);
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("PENDING");
        JsonNode p = poll(arn, 0, 0);
        JsonNode mine = null;
        for (JsonNode a : p.path("tasks")) {
            if (a.path("taskArn").asText().equals(t.taskArn())) {
                mine = a;
            }
        }
        assertThat(mine).as(p.toString()).isNotNull();
        assertThat(mine.path("eni").path("privateIPv4Address").asText()).isNotEmpty();
        assertThat(mine.path("eni").path("gateway").asText()).isNotEmpty();
        assertThat(mine.path("launchType").asText()).isEqualTo("MANAGED_INSTANCES");
        report(t.taskArn(), "RUNNING");
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("RUNNING");
        assertThat(seed.taskArn()).isNotEqualTo(t.taskArn());
        assertThatThrownBy(() -> f.ecs.deregisterContainerInstance(b -> b.cluster(CLUSTER).containerInstance(arn)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Managed Instance");
    }

    @Test
    void managedByAgents_aNewInstancesTasksWaitForItsAgent_evenBeforeItAttaches() throws Exception {
        f.plane.agents().configure(Agents.Settings.defaults().managedByAgents(true));
        f.miCluster(CLUSTER);
        f.register(EcsServerFixture.nginx("web").cpu("256").memory("256"));
        Task t = f.ecs.runTask(b -> b.cluster(CLUSTER).taskDefinition("web").networkConfiguration(f.awsvpc()))
                .tasks().get(0);
        await("the task placed on a registered instance", () -> describe(t.taskArn()).containerInstanceArn() != null
                && describe(t.taskArn()).lastStatus().equals("PENDING"));
        Thread.sleep(300); // the instance booted at this speed long ago: still no timer starts the task
        Task waiting = describe(t.taskArn());
        assertThat(waiting.lastStatus()).isEqualTo("PENDING");
        assertThat(waiting.pullStartedAt()).isNull();
        String arn = waiting.containerInstanceArn();
        String doc = JSON.createObjectNode().put("instanceId", describeInstance(arn).ec2InstanceId())
                .put("region", "us-east-1").toString();
        assertThat(f.ecs.registerContainerInstance(b -> b.cluster(CLUSTER).instanceIdentityDocument(doc))
                .containerInstance().containerInstanceArn()).isEqualTo(arn);
        JsonNode p = poll(arn, 0, 0);
        assertThat(p.path("tasks")).extracting(n -> n.path("taskArn").asText()).contains(t.taskArn());
        report(t.taskArn(), "PENDING");
        report(t.taskArn(), "RUNNING");
        assertThat(describe(t.taskArn()).lastStatus()).isEqualTo("RUNNING");
    }

    @Test
    void heldPolls_occupyNoApiWorker_andGoToTheRegionOfTheirSignature() throws Exception {
        cluster();
        String ci = registerExternal(1024, 1024).containerInstanceArn();
        long version = poll(ci, 0, 0).path("version").asLong();
        List<CompletableFuture<JsonNode>> held = new java.util.ArrayList<>();
        int n = ApiServer.WORKERS + 4; // more holds than the API has workers
        java.util.concurrent.ExecutorService agents = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) {
                held.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return poll(ci, version, 20);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, agents));
            }
            await("every poll held by the server", () -> f.server.heldAgentPolls() == n);
            long start = System.nanoTime();
            assertThat(f.ecs.listClusters().clusterArns()).hasSize(1); // answered while every poll is held
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(held).noneMatch(CompletableFuture::isDone);
            f.register(bridge("job", null, false));
            String task = runExternal("job").taskArn();
            for (CompletableFuture<JsonNode> h : held) { // one change wakes them all
                assertThat(h.get(10, TimeUnit.SECONDS).path("tasks").get(0).path("taskArn").asText()).isEqualTo(task);
            }
        } finally {
            agents.shutdownNow();
        }
        assertThat(f.server.heldAgentPolls()).isZero();
        // signed for a region this server does not serve: refused as the API refuses it
        ObjectNode body = JSON.createObjectNode().put("cluster", CLUSTER).put("containerInstanceArn", ci)
                .put("seen", 0).put("waitSeconds", 0);
        RawClient.Response west = RawClient.send(RawClient.sign(URI.create(f.endpoint() + "/agent/v1/poll"),
                Map.of("Content-Type", "application/json"), body.toString(),
                RawClient.Signing.ecs("test", "test").region("us-west-2")), body.toString());
        assertThat(west.status()).isEqualTo(400);
        assertThat(west.body()).contains("InvalidSignatureException").contains("us-west-2");
    }

    @Test
    void registration_survivesARestart() throws Exception {
        cluster();
        String ci = registerExternal(2048, 4096).containerInstanceArn();
        f.close();
        f = new EcsServerFixture(dir);
        JsonNode p = poll(ci, 0, 0);
        assertThat(p.path("tasks")).isEmpty();
        assertThat(describeInstance(ci).agentConnected()).isTrue();
    }
}
