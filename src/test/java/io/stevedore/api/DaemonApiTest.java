package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.CreateDaemonResponse;
import software.amazon.awssdk.services.ecs.model.DaemonContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonDeployment;
import software.amazon.awssdk.services.ecs.model.DaemonDeploymentStatus;
import software.amazon.awssdk.services.ecs.model.DaemonDetail;
import software.amazon.awssdk.services.ecs.model.DaemonNotActiveException;
import software.amazon.awssdk.services.ecs.model.DaemonNotFoundException;
import software.amazon.awssdk.services.ecs.model.DaemonStatus;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinition;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinitionStatus;
import software.amazon.awssdk.services.ecs.model.DaemonTaskDefinitionSummary;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.RegisterDaemonTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.UnsupportedFeatureException;

/**
 * The Managed Daemons operations through the real EcsClient, each with its main errors: daemon task definitions
 * (register, describe, list, delete), daemons (create, describe, list, update, delete), their deployments and
 * revisions. What daemons do to the fleet is {@link DaemonFleetApiTest}.
 */
class DaemonApiTest extends EcsServerTestBase {
    private String provider;

    @BeforeEach
    void setUp() {
        provider = f.miCluster("c").capacityProviderArn();
    }

    /** Polls {@code check} until it passes (the control loop ticks on its own), for up to 30 seconds. */
    static void eventually(Runnable check) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static RegisterDaemonTaskDefinitionRequest.Builder agent(String family) {
        return RegisterDaemonTaskDefinitionRequest.builder().family(family).cpu("256").memory("512")
                .containerDefinitions(DaemonContainerDefinition.builder().name("agent")
                        .image("public.ecr.aws/aws-observability/aws-otel-collector:latest").essential(true).build());
    }

    private String register(String family) {
        return f.ecs.registerDaemonTaskDefinition(agent(family).build()).daemonTaskDefinitionArn();
    }

    @Test
    void registerDaemonTaskDefinition_revisionsCount_describeByFamilyRevisionOrArn() {
        String first = register("otel");
        String second = register("otel");
        assertThat(first).isEqualTo("arn:aws:ecs:us-east-1:000000000000:daemon-task-definition/otel:1");
        assertThat(second).endsWith("daemon-task-definition/otel:2");
        DaemonTaskDefinition latest = f.ecs.describeDaemonTaskDefinition(b -> b.daemonTaskDefinition("otel"))
                .daemonTaskDefinition();
        assertThat(latest.revision()).isEqualTo(2);
        assertThat(latest.cpu()).isEqualTo("256");
        assertThat(latest.memory()).isEqualTo("512");
        assertThat(latest.status()).isEqualTo(DaemonTaskDefinitionStatus.ACTIVE);
        assertThat(latest.containerDefinitions()).singleElement().satisfies(c -> assertThat(c.name())
                .isEqualTo("agent"));
        assertThat(f.ecs.describeDaemonTaskDefinition(b -> b.daemonTaskDefinition("otel:1")).daemonTaskDefinition()
                .daemonTaskDefinitionArn()).isEqualTo(first);
        assertThat(f.ecs.describeDaemonTaskDefinition(b -> b.daemonTaskDefinition(second)).daemonTaskDefinition()
                .revision()).isEqualTo(2);
        assertThatThrownBy(() -> f.ecs.describeDaemonTaskDefinition(b -> b.daemonTaskDefinition("otel:9")))
                .isInstanceOf(ClientException.class);
        // a daemon task definition is not a task definition
        assertThat(f.ecs.listTaskDefinitions(b -> b.familyPrefix("otel")).taskDefinitionArns()).isEmpty();
    }

    @Test
    void registerDaemonTaskDefinition_invalid_refused() {
        assertThatThrownBy(() -> f.ecs.registerDaemonTaskDefinition(agent("bad name!").build()))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.registerDaemonTaskDefinition(agent("x").containerDefinitions(List.of())
                .build())).isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.registerDaemonTaskDefinition(agent("x").memory(null).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("memory");
        assertThatThrownBy(() -> f.ecs.registerDaemonTaskDefinition(agent("x").cpu("lots").build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("cpu");
        assertThatThrownBy(() -> f.ecs.registerDaemonTaskDefinition(agent("x").containerDefinitions(
                DaemonContainerDefinition.builder().name("a").image("busybox").essential(false).build()).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("essential");
        assertThat(f.ecs.listDaemonTaskDefinitions(b -> b.status("ALL")).daemonTaskDefinitions()).isEmpty();
    }

    @Test
    void listAndDeleteDaemonTaskDefinitions_filtersAndStatuses() {
        register("a");
        register("a");
        register("b");
        assertThat(f.ecs.listDaemonTaskDefinitions(b -> b.family("a")).daemonTaskDefinitions())
                .extracting(DaemonTaskDefinitionSummary::arn).allMatch(a -> a.contains("/a:")).hasSize(2);
        assertThat(f.ecs.listDaemonTaskDefinitions(b -> b.revision("LAST_REGISTERED")).daemonTaskDefinitions())
                .extracting(DaemonTaskDefinitionSummary::arn).hasSize(2)
                .anyMatch(a -> a.endsWith("/a:2")).anyMatch(a -> a.endsWith("/b:1"));
        var page = f.ecs.listDaemonTaskDefinitions(b -> b.maxResults(2).sort("DESC"));
        assertThat(page.daemonTaskDefinitions()).hasSize(2);
        assertThat(page.daemonTaskDefinitions().get(0).arn()).endsWith("/b:1");
        assertThat(page.nextToken()).isNotNull();

        String deleted = f.ecs.deleteDaemonTaskDefinition(b -> b.daemonTaskDefinition("a:1"))
                .daemonTaskDefinitionArn();
        assertThat(deleted).endsWith("daemon-task-definition/a:1");
        assertThat(f.ecs.describeDaemonTaskDefinition(b -> b.daemonTaskDefinition(deleted)).daemonTaskDefinition()
                .status()).isEqualTo(DaemonTaskDefinitionStatus.DELETE_IN_PROGRESS);
        assertThat(f.ecs.listDaemonTaskDefinitions(b -> b.familyPrefix("a")).daemonTaskDefinitions())
                .extracting(DaemonTaskDefinitionSummary::arn).containsExactly(f.ecs.describeDaemonTaskDefinition(
                        b -> b.daemonTaskDefinition("a:2")).daemonTaskDefinition().daemonTaskDefinitionArn());
        assertThat(f.ecs.listDaemonTaskDefinitions(b -> b.status("DELETE_IN_PROGRESS")).daemonTaskDefinitions())
                .singleElement().satisfies(s -> assertThat(s.deleteRequestedAt()).isNotNull());
        assertThatThrownBy(() -> f.ecs.deleteDaemonTaskDefinition(b -> b.daemonTaskDefinition("a:1")))
                .isInstanceOf(ClientException.class).hasMessageContaining("not ACTIVE");
        assertThatThrownBy(() -> f.ecs.deleteDaemonTaskDefinition(b -> b.daemonTaskDefinition("a")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.deleteDaemonTaskDefinition(b -> b.daemonTaskDefinition("zz:1")))
                .isInstanceOf(ClientException.class).hasMessageContaining("does not exist");
        // a deleted revision cannot start a new daemon
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("d").clusterArn("c")
                .daemonTaskDefinitionArn(deleted).capacityProviderArns(provider)))
                .isInstanceOf(ClientException.class).hasMessageContaining("not ACTIVE");
    }

    @Test
    void createDaemon_describeAndList_errors() {
        String dtd = register("otel");
        CreateDaemonResponse created = f.ecs.createDaemon(b -> b.daemonName("otel").clusterArn("c")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns(provider)
                .deploymentConfiguration(c -> c.drainPercent(50.0)).tags(Tag.builder().key("team").value("obs").build()));
        assertThat(created.daemonArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:daemon/c/otel");
        assertThat(created.status()).isEqualTo(DaemonStatus.ACTIVE);
        assertThat(created.deploymentArn()).contains(":daemon-deployment/c/otel/");

        DaemonDetail d = f.ecs.describeDaemon(b -> b.daemonArn(created.daemonArn())).daemon();
        assertThat(d.clusterArn()).endsWith(":cluster/c");
        assertThat(d.deploymentArn()).isEqualTo(created.deploymentArn());
        assertThat(d.currentRevisions()).singleElement().satisfies(r -> {
            assertThat(r.capacityProviders()).singleElement().satisfies(cp -> assertThat(cp.arn())
                    .isEqualTo(provider));
            assertThat(r.totalRunningCount()).isZero(); // no instance yet: daemons launch none of their own
        });
        String revision = d.currentRevisions().get(0).arn();
        assertThat(f.ecs.describeDaemonRevisions(b -> b.daemonRevisionArns(revision, revision + "x"))).satisfies(r -> {
            assertThat(r.daemonRevisions()).singleElement().satisfies(x -> {
                assertThat(x.daemonTaskDefinitionArn()).isEqualTo(dtd);
                assertThat(x.containerImages()).singleElement().satisfies(i -> assertThat(i.containerName())
                        .isEqualTo("agent"));
            });
            assertThat(r.failures()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo("MISSING"));
        });
        assertThat(f.ecs.listDaemons(b -> b.clusterArn("c")).daemonSummariesList()).singleElement()
                .satisfies(s -> assertThat(s.daemonArn()).isEqualTo(created.daemonArn()));
        assertThat(f.ecs.listDaemons(b -> b.capacityProviderArns("other")).daemonSummariesList()).isEmpty();
        assertThat(f.ecs.listTagsForResource(b -> b.resourceArn(created.daemonArn())).tags())
                .anySatisfy(t -> assertThat(t.key()).isEqualTo("team"));

        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("otel").clusterArn("c")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns(provider)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("x").clusterArn("nope")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns(provider)))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("x").clusterArn("c")
                .daemonTaskDefinitionArn("missing:1").capacityProviderArns(provider)))
                .isInstanceOf(ClientException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("x").clusterArn("c")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns("FARGATE")))
                .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("Managed Instances");
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("x").clusterArn("c")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns("nope")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("x").clusterArn("c")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns(provider)
                .deploymentConfiguration(c -> c.drainPercent(150.0))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("drainPercent");
        assertThatThrownBy(() -> f.ecs.createDaemon(b -> b.daemonName("bad name").clusterArn("c")
                .daemonTaskDefinitionArn(dtd).capacityProviderArns(provider)))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.describeDaemon(b -> b.daemonArn(created.daemonArn() + "x")))
                .isInstanceOf(DaemonNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.listDaemons(b -> b.clusterArn("nope")))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThat(f.ecs.listDaemons(b -> b.clusterArn("c")).daemonSummariesList()).hasSize(1);
    }

    @Test
    void updateAndDeleteDaemon_newDeployments_notActiveAfterDelete() {
        String v1 = register("otel");
        String v2 = register("otel");
        String daemon = f.ecs.createDaemon(b -> b.daemonName("otel").clusterArn("c").daemonTaskDefinitionArn(v1)
                .capacityProviderArns(provider)).daemonArn();
        String firstDeployment = f.ecs.describeDaemon(b -> b.daemonArn(daemon)).daemon().deploymentArn();
        var updated = f.ecs.updateDaemon(b -> b.daemonArn(daemon).daemonTaskDefinitionArn(v2)
                .capacityProviderArns(provider).deploymentConfiguration(c -> c.drainPercent(10.0)
                        .bakeTimeInMinutes(0)));
        assertThat(updated.deploymentArn()).isNotEqualTo(firstDeployment);
        assertThat(updated.updatedAt()).isNotNull();
        DaemonDeployment dep = f.ecs.describeDaemonDeployments(b -> b.daemonDeploymentArns(updated.deploymentArn(),
                "arn:aws:ecs:us-east-1:000000000000:daemon-deployment/c/otel/none")).daemonDeployments().get(0);
        assertThat(dep.deploymentConfiguration().drainPercent()).isEqualTo(10.0);
        assertThat(dep.targetDaemonRevision().arn()).isEqualTo(f.ecs.describeDaemon(b -> b.daemonArn(daemon))
                .daemon().currentRevisions().get(0).arn());
        assertThat(f.ecs.describeDaemonRevisions(b -> b.daemonRevisionArns(dep.targetDaemonRevision().arn()))
                .daemonRevisions().get(0).daemonTaskDefinitionArn()).isEqualTo(v2);
        // no instance to replace: each deployment finishes (or is replaced) at once
        eventually(() -> assertThat(f.ecs.listDaemonDeployments(b -> b.daemonArn(daemon))
                .daemonDeployments()).hasSize(2).allSatisfy(s -> assertThat(s.status()).isIn(
                        DaemonDeploymentStatus.SUCCESSFUL, DaemonDeploymentStatus.STOPPED)));
        assertThat(f.ecs.listDaemonDeployments(b -> b.daemonArn(daemon).statusWithStrings("SUCCESSFUL"))
                .daemonDeployments()).extracting(s -> s.daemonDeploymentArn()).contains(updated.deploymentArn());
        assertThat(f.ecs.describeDaemonDeployments(b -> b.daemonDeploymentArns("x")).failures()).hasSize(1);
        assertThatThrownBy(() -> f.ecs.updateDaemon(b -> b.daemonArn(daemon + "x").daemonTaskDefinitionArn(v2)
                .capacityProviderArns(provider))).isInstanceOf(DaemonNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.listDaemonDeployments(b -> b.daemonArn(daemon + "x")))
                .isInstanceOf(ClientException.class);

        // an instance with the daemon's task and a standalone task: the deletion drains it and waits for the task
        f.register(EcsServerFixture.nginx("web"));
        String task = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc()))
                .tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(task));
        eventually(() -> assertThat(f.ecs.describeDaemon(b -> b.daemonArn(daemon)).daemon().currentRevisions()
                .get(0).totalRunningCount()).isEqualTo(1));
        var deleted = f.ecs.deleteDaemon(b -> b.daemonArn(daemon));
        assertThat(deleted.status()).isEqualTo(DaemonStatus.DELETE_IN_PROGRESS);
        assertThatThrownBy(() -> f.ecs.updateDaemon(b -> b.daemonArn(daemon).daemonTaskDefinitionArn(v2)
                .capacityProviderArns(provider))).isInstanceOf(DaemonNotActiveException.class);
        assertThatThrownBy(() -> f.ecs.deleteDaemon(b -> b.daemonArn(daemon)))
                .isInstanceOf(DaemonNotActiveException.class);
        eventually(() -> assertThat(f.ecs.describeContainerInstances(b -> b.cluster("c").containerInstances(
                f.ecs.listContainerInstances(l -> l.cluster("c")).containerInstanceArns())).containerInstances())
                .singleElement().satisfies(ci -> assertThat(ci.status()).isEqualTo("DRAINING")));
        assertThat(f.ecs.describeDaemon(b -> b.daemonArn(daemon)).daemon().status())
                .isEqualTo(DaemonStatus.DELETE_IN_PROGRESS);
        // the standalone task ends: the instance empties, its daemon task stops, the deletion completes
        f.ecs.stopTask(b -> b.cluster("c").task(task));
        eventually(() -> assertThatThrownBy(() -> f.ecs.describeDaemon(b -> b.daemonArn(daemon)))
                .isInstanceOf(DaemonNotFoundException.class));
        assertThat(f.ecs.describeDaemonDeployments(b -> b.daemonDeploymentArns(deleted.deploymentArn()))
                .daemonDeployments().get(0).status()).isEqualTo(DaemonDeploymentStatus.SUCCESSFUL);
        assertThat(f.ecs.listTasks(b -> b.cluster("c").desiredStatus(DesiredStatus.RUNNING)).taskArns()).isEmpty();
        assertThatThrownBy(() -> f.ecs.deleteDaemon(b -> b.daemonArn(daemon)))
                .isInstanceOf(DaemonNotFoundException.class);
    }

    @Test
    void daemonRows_acknowledged_surviveARestart() throws Exception {
        String dtd = register("otel");
        String daemon = f.ecs.createDaemon(b -> b.daemonName("otel").clusterArn("c").daemonTaskDefinitionArn(dtd)
                .capacityProviderArns(provider)).daemonArn();
        DaemonDetail before = f.ecs.describeDaemon(b -> b.daemonArn(daemon)).daemon();
        f.crash();
        f.plane.close();
        f = new EcsServerFixture(dir);
        assertThat(f.ecs.describeDaemonTaskDefinition(b -> b.daemonTaskDefinition(dtd)).daemonTaskDefinition()
                .containerDefinitions()).hasSize(1);
        DaemonDetail after = f.ecs.describeDaemon(b -> b.daemonArn(daemon)).daemon();
        assertThat(after.deploymentArn()).isEqualTo(before.deploymentArn());
        assertThat(after.currentRevisions()).extracting(r -> r.arn())
                .containsExactlyElementsOf(before.currentRevisions().stream().map(r -> r.arn()).toList());
        assertThat(f.ecs.describeDaemonDeployments(b -> b.daemonDeploymentArns(before.deploymentArn()))
                .daemonDeployments()).hasSize(1);
        assertThat(register("otel")).endsWith("daemon-task-definition/otel:2"); // the revision sequence too
    }
}
