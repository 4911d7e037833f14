package io.stevedore.api;

import io.stevedore.api.ec2.Ec2QueryApi;
import io.stevedore.api.engine.Reconciler;
import io.stevedore.api.engine.Timings;
import io.stevedore.api.ops.AccountOps;
import io.stevedore.api.ops.CapacityProviderOps;
import io.stevedore.api.ops.ClusterOps;
import io.stevedore.api.ops.ContainerInstanceOps;
import io.stevedore.api.ops.ServiceOps;
import io.stevedore.api.ops.TagOps;
import io.stevedore.api.ops.TaskDefinitionOps;
import io.stevedore.api.ops.TaskOps;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.cloud.SimulatedEc2;
import io.stevedore.store.Database;
import io.stevedore.store.SqliteResourceStore;
import io.stevedore.time.Clock;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Stevedore control plane: durable state in a data directory, the simulated EC2 provider, the ECS
 * operations and the reconciler. {@link #startLoop()} ticks the reconciler on wall time (the server);
 * the simulator calls {@link Reconciler#tick()} itself after advancing a virtual clock.
 */
public final class ControlPlane implements AutoCloseable {
    private final ApiConfig config;
    private final Clock clock;
    private final Database db;
    private final EcsState state;
    private final SimulatedEc2 cloud;
    private final Reconciler reconciler;
    private final EcsApi api;
    private final Ec2QueryApi ec2;
    private ScheduledExecutorService loop;

    private ControlPlane(ApiConfig config, Clock clock, Database db) {
        this.config = config;
        this.clock = clock;
        this.db = db;
        Timings timings = Timings.realistic().scaled(config.speed());
        this.state = new EcsState(db, config);
        this.cloud = new SimulatedEc2(config.region(), clock, timings.instanceBoot(), db);
        Context ctx = new Context(config, clock, state, cloud, InstanceCatalog.load());
        this.reconciler = new Reconciler(ctx, timings);
        this.api = new EcsApi(db);
        this.ec2 = new Ec2QueryApi(ctx);
        new ClusterOps(ctx).register(api);
        new CapacityProviderOps(ctx).register(api);
        new TaskDefinitionOps(ctx).register(api);
        new TaskOps(ctx, reconciler).register(api);
        new ServiceOps(ctx).register(api);
        new ContainerInstanceOps(ctx, reconciler).register(api);
        new TagOps(ctx).register(api);
        new AccountOps(ctx).register(api);
    }

    /** Opens (or creates) the state in {@code dataDir}. */
    public static ControlPlane open(Path dataDir, ApiConfig config, Clock clock) {
        return new ControlPlane(config, clock, new Database(SqliteResourceStore.open(dataDir)));
    }

    /** Ticks the reconciler on a wall-clock schedule until {@link #close()}. */
    public synchronized void startLoop() {
        if (loop != null) {
            return;
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stevedore-reconciler");
            t.setDaemon(true);
            return t;
        });
        long period = reconciler.timings().tick().toMillis();
        loop.scheduleWithFixedDelay(this::tickSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private void tickSafely() {
        try {
            reconciler.tick();
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
    }

    /** The admin reset: wipes every resource. */
    public void reset() {
        db.wipe();
    }

    public EcsApi api() {
        return api;
    }

    /** Answers an EC2 Query API call (form-encoded body) with its XML document. */
    public String ec2(String formBody) {
        return db.transaction(() -> ec2.handle(Ec2QueryApi.parseForm(formBody)));
    }

    public EcsState state() {
        return state;
    }

    public SimulatedEc2 cloud() {
        return cloud;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public ApiConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.shutdownNow();
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        db.close();
    }
}
