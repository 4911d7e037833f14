package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentConfiguration;
import software.amazon.awssdk.services.ecs.model.DescribeServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListServiceDeploymentsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.ServiceRevision;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.ThresholdType;

/**
 * Deployments one can watch and trust: the deployment circuit breaker on a crash-looping deployment (FAILED, rollback
 * to the last completed task definition, or a stall without one), the breaker off (retries), and the service
 * deployment operations (ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
 * StopServiceDeployment, ContinueServiceDeployment) with their errors, through the SDK against a real server.
 */
class ServiceDeploymentApiTest extends EcsServerTestBase {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String FAILED_REASON = "ECS deployment circuit breaker: tasks failed to start.";

    private String good;
    private String crashing;

    @BeforeEach
    void setUp() {
        f.miCluster("c");
        good = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
        // exits 1 as soon as it runs (STEVEDORE_RUN_SECONDS=0, STEVEDORE_EXIT_CODE=1: docs/api.md)
        crashing = f.register(EcsServerFixture.nginx("web").containerDefinitions(ContainerDefinition.builder()
                .name("web").image("public.ecr.aws/nginx/nginx:broken").essential(true)
                .environment(KeyValuePair.builder().name("STEVEDORE_RUN_SECONDS").value("0").build(),
                        KeyValuePair.builder().name("STEVEDORE_EXIT_CODE").value("1").build()).build()))
                .taskDefinitionArn();
    }

    private CreateServiceRequest.Builder service(String name, String td, int desired) {
        return CreateServiceRequest.builder().cluster("c").serviceName(name).taskDefinition(td)
                .desiredCount(desired).networkConfiguration(f.awsvpc());
    }

    private static DeploymentConfiguration breaker(boolean rollback) {
        return DeploymentConfiguration.builder().deploymentCircuitBreaker(b -> b.enable(true).rollback(rollback))
                .build();
    }

    private Service describe(String name) {
        return f.ecs.describeServices(b -> b.cluster("c").services(name)).services().get(0);
    }

    /** Polls DescribeServices until {@code done} holds (the server runs its loop on its accelerated clock). */
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

    private ServiceDeployment serviceDeployment(String arn) {
        DescribeServiceDeploymentsResponse r = f.ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(arn));
        assertThat(r.failures()).isEmpty();
        return r.serviceDeployments().get(0);
    }

    private ServiceRevision revision(String arn) {
        return f.ecs.describeServiceRevisions(b -> b.serviceRevisionArns(arn)).serviceRevisions().get(0);
    }

    private static List<String> messages(Service s) {
        return s.events().stream().map(ServiceEvent::message).toList();
    }

    private static Instant eventTime(Service s, String message) {
        return s.events().stream().filter(e -> e.message().equals(message)).map(ServiceEvent::createdAt)
                .findFirst().orElseThrow(() -> new AssertionError("no event " + message + " in " + messages(s)));
    }

    /**
     * The acceptance scenario: a healthy service on v1 is updated to v2 whose tasks exit 1 at start; the breaker
     * counts the failures up to its threshold (0.5 × 3 → the minimum, 3), fails v2, and rolls back to v1, which keeps
     * running at its desired count; the events say so in ECS's words and no steady state is reported while v2 fails.
     */
    @Test
    void circuitBreaker_crashingUpdate_failsAndRollsBackToPreviousTaskDefinition() throws Exception {
        Service created = f.ecs.createService(service("api", good, 3).deploymentConfiguration(breaker(true))
                .build()).service();
        String v1Deployment = created.deployments().get(0).id();
        String v1ServiceDeployment = created.currentServiceDeployment();
        assertThat(v1ServiceDeployment).isEqualTo("arn:aws:ecs:us-east-1:000000000000:service-deployment/c/api/"
                + v1Deployment.substring("ecs-svc/".length()));
        until("api", s -> s.deployments().get(0).rolloutStateAsString().equals("COMPLETED"));
        assertThat(serviceDeployment(v1ServiceDeployment).statusAsString()).isEqualTo("SUCCESSFUL");
        Instant updatedAt = Instant.now();

        Service updated = f.ecs.updateService(b -> b.cluster("c").service("api").taskDefinition(crashing)).service();
        String v2Deployment = updated.deployments().get(0).id();
        String v2ServiceDeployment = updated.currentServiceDeployment();
        assertThat(v2ServiceDeployment).isNotEqualTo(v1ServiceDeployment);

        Service back = until("api", s -> s.deployments().size() == 1
                && s.deployments().get(0).rolloutStateAsString().equals("COMPLETED")
                && s.deployments().get(0).id().equals(v1Deployment) && s.runningCount() == 3);
        assertThat(back.taskDefinition()).isEqualTo(good);
        assertThat(back.deployments().get(0).taskDefinition()).isEqualTo(good);
        // (a task on an instance the fleet drains meanwhile may be replaced: more than 3 may be desired RUNNING)
        List<Task> live = f.ecs.describeTasks(b -> b.cluster("c").tasks(f.ecs.listTasks(l -> l.cluster("c")
                .serviceName("api").desiredStatus("RUNNING")).taskArns())).tasks();
        assertThat(live).allSatisfy(t -> assertThat(t.taskDefinitionArn()).isEqualTo(good))
                .filteredOn(t -> t.lastStatus().equals("RUNNING")).hasSizeGreaterThanOrEqualTo(3);

        String failedEvent = "(service api) (deployment " + v2Deployment + ") deployment failed: tasks failed to start.";
        String rollbackEvent = "(service api) rolling back to deployment " + v1Deployment + ".";
        assertThat(messages(back)).contains(failedEvent, rollbackEvent);
        Instant failedAt = eventTime(back, failedEvent);
        assertThat(back.events()).filteredOn(e -> e.message().contains("has reached a steady state."))
                .filteredOn(e -> e.createdAt().isAfter(updatedAt))
                .allSatisfy(e -> assertThat(e.createdAt()).isAfterOrEqualTo(failedAt));

        ServiceDeployment failed = serviceDeployment(v2ServiceDeployment);
        assertThat(failed.statusAsString()).isEqualTo("ROLLBACK_SUCCESSFUL");
        assertThat(failed.statusReason()).isEqualTo(FAILED_REASON);
        assertThat(failed.deploymentCircuitBreaker().statusAsString()).isEqualTo("TRIGGERED");
        assertThat(failed.deploymentCircuitBreaker().threshold()).isEqualTo(3);
        assertThat(failed.deploymentCircuitBreaker().failureCount()).isGreaterThanOrEqualTo(3);
        String v1Revision = serviceDeployment(v1ServiceDeployment).targetServiceRevision().arn();
        assertThat(failed.rollback().serviceRevisionArn()).isEqualTo(v1Revision);
        assertThat(failed.rollback().reason()).isEqualTo(FAILED_REASON);
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(failed.sourceServiceRevisions()).extracting(r -> r.arn()).containsExactly(v1Revision);
        assertThat(revision(failed.targetServiceRevision().arn()).taskDefinition()).isEqualTo(crashing);
        assertThat(revision(v1Revision).taskDefinition()).isEqualTo(good);

        List<String> stopped = f.ecs.listTasks(l -> l.cluster("c").serviceName("api").desiredStatus("STOPPED"))
                .taskArns();
        List<Task> v2Tasks = f.ecs.describeTasks(b -> b.cluster("c").tasks(stopped.subList(0,
                Math.min(100, stopped.size())))).tasks().stream()
                .filter(t -> t.taskDefinitionArn().equals(crashing)).toList();
        // every v2 task that started crashed; one the rollback caught before it started was stopped by the scheduler
        List<Task> crashed = v2Tasks.stream().filter(t -> t.startedAt() != null).toList();
        assertThat(crashed).hasSizeGreaterThanOrEqualTo(3).allSatisfy(t -> {
            assertThat(t.stopCodeAsString()).isEqualTo("EssentialContainerExited");
            assertThat(t.containers().get(0).exitCode()).isEqualTo(1);
        });
        assertThat(v2Tasks).filteredOn(t -> t.startedAt() == null).allSatisfy(t -> {
            assertThat(t.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
            assertThat(t.stoppedReason()).startsWith("Task replaced by deployment");
        });
    }

    /**
     * A new service that crash-loops with the breaker on has no completed deployment to roll back to: its deployment
     * FAILED with failedTasks at the threshold, and it launches no more tasks; no steady state is ever reported.
     */
    @Test
    void circuitBreaker_newCrashLoopingService_stallsFailed() throws Exception {
        Service created = f.ecs.createService(service("stall", crashing, 2).deploymentConfiguration(breaker(true))
                .build()).service();
        Service failed = until("stall", s -> s.deployments().get(0).rolloutStateAsString().equals("FAILED"));
        Deployment d = failed.deployments().get(0);
        assertThat(d.id()).isEqualTo(created.deployments().get(0).id());
        assertThat(d.rolloutStateReason()).isEqualTo(FAILED_REASON);
        assertThat(d.failedTasks()).isGreaterThanOrEqualTo(3);
        ServiceDeployment sd = serviceDeployment(created.currentServiceDeployment());
        assertThat(sd.statusAsString()).isEqualTo("STOPPED");
        assertThat(sd.stoppedAt()).isNotNull();
        assertThat(sd.deploymentCircuitBreaker().statusAsString()).isEqualTo("TRIGGERED");
        assertThat(sd.deploymentCircuitBreaker().threshold()).isEqualTo(3);

        int launched = allTasks("stall").size();
        Thread.sleep(500); // 500 s of the server's accelerated clock
        Service later = describe("stall");
        assertThat(allTasks("stall")).hasSize(launched);
        assertThat(later.deployments()).singleElement().satisfies(x -> {
            assertThat(x.rolloutStateAsString()).isEqualTo("FAILED");
            assertThat(x.failedTasks()).isEqualTo(d.failedTasks());
        });
        assertThat(later.runningCount()).isZero();
        assertThat(messages(later)).contains("(service stall) (deployment " + d.id()
                + ") deployment failed: tasks failed to start.").noneMatch(m -> m.contains("steady state"));
    }

    private List<String> allTasks(String service) {
        List<String> all = new ArrayList<>(f.ecs.listTasks(l -> l.cluster("c").serviceName(service)
                .desiredStatus("RUNNING")).taskArns());
        all.addAll(f.ecs.listTasks(l -> l.cluster("c").serviceName(service).desiredStatus("STOPPED")
                .maxResults(100)).taskArns());
        return all;
    }

    /** thresholdConfiguration COUNT 5 sets the threshold itself, whatever the desired count. */
    @Test
    void circuitBreaker_countThreshold_tripsAtItsValue() throws Exception {
        Service created = f.ecs.createService(service("count", crashing, 1).deploymentConfiguration(d -> d
                .deploymentCircuitBreaker(b -> b.enable(true).rollback(false)
                        .thresholdConfiguration(t -> t.type(ThresholdType.COUNT).value(5)))).build()).service();
        assertThat(created.deploymentConfiguration().deploymentCircuitBreaker().thresholdConfiguration().value())
                .isEqualTo(5);
        Service failed = until("count", s -> s.deployments().get(0).rolloutStateAsString().equals("FAILED"));
        assertThat(failed.deployments().get(0).failedTasks()).isGreaterThanOrEqualTo(5);
        assertThat(serviceDeployment(created.currentServiceDeployment()).deploymentCircuitBreaker().threshold())
                .isEqualTo(5);
        assertThatThrownBy(() -> f.ecs.createService(service("bad", good, 1).deploymentConfiguration(d -> d
                .deploymentCircuitBreaker(b -> b.enable(true).rollback(false)
                        .thresholdConfiguration(t -> t.type(ThresholdType.COUNT).value(0)))).build()))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("value must be at least 1");
    }

    /**
     * With the breaker off (the default) a crash-looping deployment keeps replacing its tasks, as before: it is never
     * FAILED and no deployment failure is reported.
     */
    @Test
    void circuitBreakerOff_crashLoop_keepsRetrying() throws Exception {
        Service created = f.ecs.createService(service("retry", crashing, 1).build()).service();
        Service s = until("retry", x -> messages(x).stream().filter(m -> m.contains("has started 1 tasks")).count()
                >= 8);
        assertThat(s.deployments()).singleElement().satisfies(d -> assertThat(d.rolloutStateAsString())
                .isNotEqualTo("FAILED"));
        assertThat(messages(s)).noneMatch(m -> m.contains("deployment failed"));
        assertThat(serviceDeployment(created.currentServiceDeployment()).deploymentCircuitBreaker().statusAsString())
                .isEqualTo("DISABLED");
    }

    /** ListServiceDeployments (newest first, status filter, pages), DescribeServiceDeployments/Revisions and errors. */
    @Test
    void listAndDescribe_contentsAndErrors() throws Exception {
        Service created = f.ecs.createService(service("web", good, 1).build()).service();
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("web"));
        String v2 = f.register(EcsServerFixture.nginx("web")).taskDefinitionArn();
        Service updated = f.ecs.updateService(b -> b.cluster("c").service("web").taskDefinition(v2)).service();
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("web"));
        until("web", s -> s.deployments().size() == 1);

        ListServiceDeploymentsResponse all = f.ecs.listServiceDeployments(b -> b.cluster("c").service("web"));
        assertThat(all.serviceDeployments()).extracting(ServiceDeploymentBrief::serviceDeploymentArn)
                .containsExactly(updated.currentServiceDeployment(), created.currentServiceDeployment());
        assertThat(all.serviceDeployments()).extracting(ServiceDeploymentBrief::statusAsString)
                .containsExactly("SUCCESSFUL", "SUCCESSFUL");
        ServiceDeploymentBrief newest = all.serviceDeployments().get(0);
        assertThat(newest.serviceArn()).isEqualTo(created.serviceArn());
        assertThat(newest.clusterArn()).isEqualTo(created.clusterArn());
        assertThat(newest.finishedAt()).isNotNull();
        assertThat(newest.targetServiceRevisionArn()).startsWith(
                "arn:aws:ecs:us-east-1:000000000000:service-revision/c/web/");
        ListServiceDeploymentsResponse page1 = f.ecs.listServiceDeployments(b -> b.cluster("c").service("web")
                .maxResults(1));
        assertThat(page1.serviceDeployments()).hasSize(1);
        assertThat(f.ecs.listServiceDeployments(b -> b.cluster("c").service("web").maxResults(1)
                .nextToken(page1.nextToken())).serviceDeployments()).extracting(
                ServiceDeploymentBrief::serviceDeploymentArn).containsExactly(created.currentServiceDeployment());
        assertThat(f.ecs.listServiceDeployments(b -> b.cluster("c").service("web").statusWithStrings("STOPPED"))
                .serviceDeployments()).isEmpty();

        ServiceDeployment sd = serviceDeployment(updated.currentServiceDeployment());
        assertThat(sd.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(sd.targetServiceRevision().runningTaskCount()).isEqualTo(1);
        assertThat(sd.targetServiceRevision().requestedTaskCount()).isEqualTo(1);
        assertThat(sd.sourceServiceRevisions()).singleElement().satisfies(x -> assertThat(x.arn())
                .isEqualTo(serviceDeployment(created.currentServiceDeployment()).targetServiceRevision().arn()));
        assertThat(sd.deploymentCircuitBreaker().statusAsString()).isEqualTo("DISABLED");
        ServiceRevision rev = revision(sd.targetServiceRevision().arn());
        assertThat(rev.taskDefinition()).isEqualTo(v2);
        assertThat(rev.serviceArn()).isEqualTo(created.serviceArn());
        assertThat(rev.containerImages()).singleElement().satisfies(i -> {
            assertThat(i.containerName()).isEqualTo("web");
            assertThat(i.image()).isEqualTo("public.ecr.aws/nginx/nginx:latest");
        });
        assertThat(rev.networkConfiguration()).isEqualTo(f.awsvpc());
        assertThat(rev.capacityProviderStrategy()).extracting(i -> i.capacityProvider()).containsExactly("c-mi");

        String unknown = "arn:aws:ecs:us-east-1:000000000000:service-deployment/c/web/123";
        DescribeServiceDeploymentsResponse mixed = f.ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(
                sd.serviceDeploymentArn(), unknown));
        assertThat(mixed.serviceDeployments()).hasSize(1);
        assertThat(mixed.failures()).singleElement().satisfies(x -> {
            assertThat(x.arn()).isEqualTo(unknown);
            assertThat(x.reason()).isEqualTo("MISSING");
        });
        assertThat(f.ecs.describeServiceRevisions(b -> b.serviceRevisionArns("arn:aws:ecs:us-east-1:000000000000:"
                + "service-revision/c/web/1")).failures()).singleElement()
                .satisfies(x -> assertThat(x.reason()).isEqualTo("MISSING"));
        assertThatThrownBy(() -> f.ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(List.of())))
                .isInstanceOf(InvalidParameterException.class);
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            tooMany.add(unknown + i);
        }
        assertThatThrownBy(() -> f.ecs.describeServiceRevisions(b -> b.serviceRevisionArns(tooMany)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("at most 20");
        assertThatThrownBy(() -> f.ecs.listServiceDeployments(b -> b.cluster("c").service("nope")))
                .isInstanceOf(ServiceNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.listServiceDeployments(b -> b.cluster("nope").service("web")))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.listServiceDeployments(b -> b.cluster("c").service("web").maxResults(101)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.continueServiceDeployment(b -> b.serviceDeploymentArn(unknown).hookId("h")))
                .isInstanceOf(ServiceDeploymentNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.continueServiceDeployment(b -> b.serviceDeploymentArn(
                sd.serviceDeploymentArn()).hookId("h"))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("not paused");
    }

    /**
     * StopServiceDeployment ROLLBACK on a deployment that cannot finish (crash-looping, its breaker's threshold out of
     * reach, no automatic rollback) rolls the service
     * back to its last completed task definition; a finished deployment, an unknown ARN, ABORT, and a first
     * deployment with nothing to roll back to are refused.
     */
    @Test
    void stopServiceDeployment_rollback() throws Exception {
        Service created = f.ecs.createService(service("s", good, 2).build()).service();
        f.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        Service updated = f.ecs.updateService(b -> b.cluster("c").service("s").taskDefinition(crashing)
                .deploymentConfiguration(d -> d.deploymentCircuitBreaker(c -> c.enable(true).rollback(false)
                        .thresholdConfiguration(t -> t.type(ThresholdType.COUNT).value(1000))))).service();
        String arn = updated.currentServiceDeployment();
        assertThatThrownBy(() -> f.ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(arn).stopType("ABORT")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(
                created.currentServiceDeployment()).stopType("ROLLBACK"))).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> f.ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(arn + "0")))
                .isInstanceOf(ServiceDeploymentNotFoundException.class);
        until("s", x -> x.deployments().get(0).failedTasks() >= 2);

        assertThat(f.ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(arn).stopType("ROLLBACK"))
                .serviceDeploymentArn()).isEqualTo(arn);
        Service back = until("s", x -> x.deployments().size() == 1
                && x.deployments().get(0).rolloutStateAsString().equals("COMPLETED") && x.runningCount() == 2);
        assertThat(back.deployments().get(0).id()).isEqualTo(created.deployments().get(0).id());
        assertThat(back.taskDefinition()).isEqualTo(good);
        assertThat(messages(back)).contains("(service s) rolling back to deployment " + created.deployments().get(0)
                .id() + ".");
        ServiceDeployment sd = serviceDeployment(arn);
        assertThat(sd.statusAsString()).isEqualTo("ROLLBACK_SUCCESSFUL");
        assertThat(sd.rollback().serviceRevisionArn()).isEqualTo(serviceDeployment(created
                .currentServiceDeployment()).targetServiceRevision().arn());
        assertThatThrownBy(() -> f.ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(arn)))
                .isInstanceOf(ConflictException.class);

        Service fresh = f.ecs.createService(service("first", crashing, 1).deploymentConfiguration(d -> d
                .deploymentCircuitBreaker(c -> c.enable(true).rollback(false)
                        .thresholdConfiguration(t -> t.type(ThresholdType.COUNT).value(1000)))).build()).service();
        assertThatThrownBy(() -> f.ecs.stopServiceDeployment(b -> b.serviceDeploymentArn(
                fresh.currentServiceDeployment()))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("no completed service revision");
        f.ecs.deleteService(b -> b.cluster("c").service("first").force(true));
        ServiceDeployment deleted = serviceDeployment(fresh.currentServiceDeployment());
        assertThat(deleted.statusAsString()).isEqualTo("STOPPED");
        assertThat(deleted.statusReason()).isEqualTo("The service was deleted.");
    }
}
