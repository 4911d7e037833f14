package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.assembly.ControlPlane;
import io.stevedore.store.DatabaseUrl;
import io.stevedore.store.Fence;
import io.stevedore.store.FencedException;
import io.stevedore.testkit.PostgresExtension;
import io.stevedore.time.Clock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.Service;

/** Stevedore on a real PostgreSQL server: restart, two replicas answering the API, fencing of a deposed leader. */
class PostgresReplicaTest {
    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();
    private static final AtomicInteger REPLICAS = new AtomicInteger();

    private final List<EcsServerFixture> open = new ArrayList<>();
    private DatabaseUrl url;

    @BeforeEach
    void database() throws Exception {
        url = new DatabaseUrl(PG.newDatabase(), "stevedore", null);
    }

    @AfterEach
    void stop() {
        open.forEach(EcsServerFixture::close);
    }

    /** PostgreSQL state holds the home region only: a call signed for another region is refused, saying why. */
    @Test
    void otherRegion_refusedNamingPostgresAndWhatToDo() throws Exception {
        ControlPlane plane = ControlPlane.open(url, new ControlPlane.LeaseSettings("replica-"
                + REPLICAS.incrementAndGet(), Duration.ofSeconds(8), Duration.ofSeconds(2)), EcsServerFixture.config(),
                Clock.system());
        try (io.stevedore.assembly.RegionalPlanes planes = io.stevedore.assembly.RegionalPlanes.postgres(plane);
             ApiServer server = new ApiServer(planes, "127.0.0.1", 0, ApiServer.Options.localDefaults())) {
            server.start();
            java.net.URI at = java.net.URI.create("http://127.0.0.1:" + server.port());
            try (var east = RegionsApiTest.ecs(at, software.amazon.awssdk.regions.Region.US_EAST_1);
                 var west = RegionsApiTest.ecs(at, software.amazon.awssdk.regions.Region.US_WEST_2)) {
                assertThat(east.createCluster(b -> b.clusterName("pg-home")).cluster().clusterArn())
                        .isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/pg-home");
                assertThatThrownBy(west::listClusters).isInstanceOfSatisfying(
                        software.amazon.awssdk.awscore.exception.AwsServiceException.class, e -> {
                            assertThat(e.statusCode()).isEqualTo(400);
                            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnsupportedFeatureException");
                            assertThat(e.awsErrorDetails().errorMessage()).startsWith("Region 'us-west-2' is not"
                                    + " served here: this server keeps its state in PostgreSQL")
                                    .contains("--region 'us-east-1'").contains("--data-dir");
                        });
            }
        }
    }

    /** A replica; {@code ttl} of its controller lease. */
    private EcsServerFixture replica(Duration ttl, boolean loop) throws Exception {
        ControlPlane plane = ControlPlane.open(url, new ControlPlane.LeaseSettings("replica-"
                + REPLICAS.incrementAndGet(), ttl, ttl.dividedBy(4)), EcsServerFixture.config(), Clock.system());
        EcsServerFixture f = new EcsServerFixture(plane, loop);
        open.add(f);
        return f;
    }

    private static Fence awaitLeader(EcsServerFixture f) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (f.plane.leadership().current().isPresent()) {
                return f.plane.leadership().current().get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leadership within 15 s");
    }

    @Test
    void restart_onPostgres_keepsEveryResourceAndServiceConverges() throws Exception {
        EcsServerFixture a = replica(Duration.ofSeconds(2), true);
        a.miCluster("c");
        a.register(EcsServerFixture.nginx("web"));
        a.ecs.createService(b -> b.cluster("c").serviceName("s").taskDefinition("web").desiredCount(3)
                .networkConfiguration(a.awsvpc()));
        a.waiter.waitUntilServicesStable(b -> b.cluster("c").services("s"));
        List<String> tasks = a.ecs.listTasks(b -> b.cluster("c")).taskArns();
        a.close();
        open.remove(a);

        EcsServerFixture b = replica(Duration.ofSeconds(2), true);
        assertThat(b.ecs.describeCapacityProviders(r -> r.capacityProviders("c-mi")).capacityProviders())
                .singleElement().satisfies(p -> assertThat(p.statusAsString()).isEqualTo("ACTIVE"));
        assertThat(b.ecs.describeTaskDefinition(r -> r.taskDefinition("web:1")).taskDefinition().family())
                .isEqualTo("web");
        assertThat(b.ecs.listTasks(r -> r.cluster("c")).taskArns()).containsExactlyInAnyOrderElementsOf(tasks);
        b.ecs.updateService(r -> r.cluster("c").service("s").desiredCount(5));
        b.waiter.waitUntilServicesStable(r -> r.cluster("c").services("s"));
        Service s = b.ecs.describeServices(r -> r.cluster("c").services("s")).services().get(0);
        assertThat(s.runningCount()).isEqualTo(5);
    }

    @Test
    void twoReplicas_writeOnOne_readOnOtherImmediately() throws Exception {
        EcsServerFixture a = replica(Duration.ofSeconds(2), true);
        EcsServerFixture b = replica(Duration.ofSeconds(2), true);
        for (int i = 0; i < 20; i++) {
            EcsServerFixture writer = i % 2 == 0 ? a : b;
            EcsServerFixture reader = i % 2 == 0 ? b : a;
            String name = "c" + i;
            writer.ecs.createCluster(r -> r.clusterName(name).tags(t -> t.key("n").value(name)));
            assertThat(reader.ecs.describeClusters(r -> r.clusters(name)).clusters())
                    .extracting(Cluster::clusterName).containsExactly(name);
            writer.ecs.deleteCluster(r -> r.cluster(name));
            assertThat(reader.ecs.describeClusters(r -> r.clusters(name)).clusters())
                    .extracting(Cluster::status).containsExactly("INACTIVE");
        }
        assertThat(a.ecs.listClusters().clusterArns()).isEqualTo(b.ecs.listClusters().clusterArns());
        // a service created on one replica is run by whichever replica leads, and both report it stable
        a.miCluster("svc");
        b.register(EcsServerFixture.nginx("web"));
        b.ecs.createService(r -> r.cluster("svc").serviceName("s").taskDefinition("web").desiredCount(2)
                .networkConfiguration(b.awsvpc()));
        a.waiter.waitUntilServicesStable(r -> r.cluster("svc").services("s"));
        assertThat(b.ecs.describeServices(r -> r.cluster("svc").services("s")).services().get(0).runningCount())
                .isEqualTo(2);
        long leaders = List.of(a, b).stream().filter(f -> f.plane.leadership().current().isPresent()).count();
        assertThat(leaders).isEqualTo(1);
    }

    @Test
    void deposedLeader_controllerWriteRefused_andNothingLaunched() throws Exception {
        EcsServerFixture a = replica(Duration.ofSeconds(2), false);
        Fence stale = awaitLeader(a);
        a.miCluster("c");
        a.register(EcsServerFixture.nginx("web"));
        a.ecs.runTask(r -> r.cluster("c").taskDefinition("web").count(1).networkConfiguration(a.awsvpc()));
        // the leader stalls (think: a long GC pause) while its lease runs out and another replica takes over
        a.plane.leadership().close();
        EcsServerFixture b = replica(Duration.ofSeconds(2), false);
        Fence current = awaitLeader(b);
        assertThat(current.epoch()).isGreaterThan(stale.epoch());

        int instancesBefore = a.plane.database().transaction(() -> a.plane.cloud().list().size());
        assertThatThrownBy(() -> a.plane.database().transaction(stale, () -> {
            a.plane.reconciler().tick(); // would place the task and launch an instance
            return null;
        })).isInstanceOf(FencedException.class);
        assertThat(b.plane.database().transaction(() -> b.plane.cloud().list().size())).isEqualTo(instancesBefore);
        assertThat(b.ecs.describeTasks(r -> r.cluster("c").tasks(b.ecs.listTasks(l -> l.cluster("c")).taskArns()))
                .tasks()).singleElement().satisfies(t -> assertThat(t.lastStatus()).isEqualTo("PROVISIONING"));

        // the current leader's write goes through
        b.plane.database().transaction(current, () -> {
            b.plane.reconciler().tick();
            return null;
        });
        assertThat(a.plane.database().transaction(() -> a.plane.cloud().list().size()))
                .isGreaterThan(instancesBefore);
    }

    @Test
    void leaderProcessKilled_otherReplicaLeadsWithinTtlPlusRenewal() throws Exception {
        Process leader = serveProcess(3);
        try {
            awaitLine(leader, "now runs the controllers", Duration.ofSeconds(60));
            EcsServerFixture b = replica(Duration.ofSeconds(3), true);
            Thread.sleep(1000);
            assertThat(b.plane.leadership().current()).isEmpty();
            leader.destroyForcibly(); // SIGKILL: no release of the lease
            long killed = System.nanoTime();
            awaitLeader(b);
            long millis = (System.nanoTime() - killed) / 1_000_000;
            System.out.println("leader failover after kill -9: " + millis + " ms (lease 3 s, renewed every 0.75 s)");
            assertThat(millis).isLessThan(15_000);
            b.miCluster("c");
            b.register(EcsServerFixture.nginx("web"));
            b.ecs.runTask(r -> r.cluster("c").taskDefinition("web").networkConfiguration(b.awsvpc()));
            b.waiter.waitUntilTasksRunning(r -> r.cluster("c").tasks(b.ecs.listTasks(l -> l.cluster("c"))
                    .taskArns()));
        } finally {
            leader.destroyForcibly();
        }
    }

    /** A real {@code stevedore serve} process on the test's database. */
    private Process serveProcess(int leaseSeconds) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "io.stevedore.cli.Main",
                "serve", "--port", "0", "--speed", "1000", "--database-url", url.jdbcUrl(), "--database-user",
                "stevedore", "--leader-lease", String.valueOf(leaseSeconds), "--replica-name", "process")
                .redirectErrorStream(true).start();
    }

    private static void awaitLine(Process p, String text, Duration limit) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            if (line.contains(text)) {
                                return true;
                            }
                        }
                    } catch (IOException e) {
                        return false;
                    }
                    return false;
                });
        assertThat(found.get(limit.toSeconds(), TimeUnit.SECONDS))
                .as("process printed '%s'", text).isTrue();
        Thread t = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // drain so the process never blocks on a full pipe
                }
            } catch (IOException ignored) {
                // process gone
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
