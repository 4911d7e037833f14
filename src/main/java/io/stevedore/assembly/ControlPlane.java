package io.stevedore.assembly;

import io.stevedore.api.Backend;
import io.stevedore.api.EcsApi;
import io.stevedore.api.ec2.Ec2QueryApi;
import io.stevedore.api.ec2.Ec2QueryRequest;
import io.stevedore.api.ops.AccountOps;
import io.stevedore.api.ops.AgentOps;
import io.stevedore.api.cloudwatch.CloudWatchApi;
import io.stevedore.api.logs.LogsApi;
import io.stevedore.api.scaling.AutoScalingApi;
import io.stevedore.api.ops.CapacityProviderOps;
import io.stevedore.api.ops.ClusterOps;
import io.stevedore.api.ops.ContainerInstanceOps;
import io.stevedore.api.ops.DaemonOps;
import io.stevedore.api.ops.DaemonTaskDefinitionOps;
import io.stevedore.api.ops.EdgeOps;
import io.stevedore.api.ops.ServiceDeploymentOps;
import io.stevedore.api.ops.ServiceOps;
import io.stevedore.api.ops.TagOps;
import io.stevedore.api.ops.TaskDefinitionOps;
import io.stevedore.api.ops.StartTaskOps;
import io.stevedore.api.ops.TaskOps;
import io.stevedore.api.ops.TaskSetOps;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.cloud.simulated.SimulatedEc2;
import io.stevedore.control.FaultInjector;
import io.stevedore.control.Reconciler;
import io.stevedore.control.events.StateChangeEvents;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.control.state.Timings;
import io.stevedore.store.Database;
import io.stevedore.store.DatabaseUrl;
import io.stevedore.store.Fence;
import io.stevedore.store.FencedException;
import io.stevedore.store.InMemoryResourceStore;
import io.stevedore.store.Leadership;
import io.stevedore.store.LogStore;
import io.stevedore.store.PostgresLeaderLease;
import io.stevedore.store.PostgresResourceStore;
import io.stevedore.store.SqliteResourceStore;
import io.stevedore.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One Stevedore control plane: durable state in a data directory (or a PostgreSQL database shared with other
 * replicas), the simulated EC2 provider, the ECS operations and the reconciler. {@link #startLoop()} ticks the
 * reconciler on wall time (the server) while this process holds the controller lease, each tick one fenced
 * transaction; the simulator calls {@link Reconciler#tick()} itself after advancing a virtual clock.
 */
public final class ControlPlane implements Backend, AutoCloseable {
    private final PlaneConfig config;
    private final Clock clock;
    private final Database db;
    private final EcsState state;
    private final SimulatedEc2 cloud;
    private final Reconciler reconciler;
    private final EcsApi api;
    private final AutoScalingApi autoScaling;
    private final CloudWatchApi cloudWatch;
    private final LogStore logStore;
    private final LogsApi logs;
    private final Ec2QueryApi ec2;
    private final Leadership leadership;
    private final InstanceCatalog catalog;
    private final FaultInjector faults;
    private ScheduledExecutorService loop;
    /** How often a replica that does not lead refreshes its memory from the database when idle. */
    private static final Duration FOLLOWER_REFRESH = Duration.ofMillis(500);
    private volatile boolean leading;
    private volatile java.time.Instant lastTick;
    private volatile boolean closed;

    /**
     * How replicas on one PostgreSQL database elect the one that runs the controllers.
     *
     * @param holder     this replica's unique name
     * @param ttl        how long the lease lasts without renewal (a killed leader is replaced within
     *                   {@code ttl + renewEvery})
     * @param renewEvery how often the lease is renewed or, by the others, tried
     */
    public record LeaseSettings(String holder, Duration ttl, Duration renewEvery) {
        public static final Duration DEFAULT_TTL = Duration.ofSeconds(8);
        public static final Duration DEFAULT_RENEW = Duration.ofSeconds(2);
    }

    private final Supplier<CapacityOfferings> offerings;

    /**
     * The instance catalog and the priced offerings over it (prices loaded on first use). Region-independent and
     * read-only, so the planes of several regions share one (each region's plane asks for its own region's prices).
     */
    public record Catalogs(InstanceCatalog catalog, Supplier<CapacityOfferings> offerings) {
        public static Catalogs load() {
            InstanceCatalog catalog = InstanceCatalog.load();
            return new Catalogs(catalog, CapacityOfferings.lazy(catalog));
        }
    }

    /** How often the events past their log group's retention are deleted. */
    private static final Duration LOG_PURGE_PERIOD = Duration.ofMinutes(1);

    private ControlPlane(PlaneConfig config, Clock clock, Database db, Leadership leadership, LogStore logStore) {
        this(config, clock, db, leadership, Catalogs.load(), logStore);
    }

    private ControlPlane(PlaneConfig config, Clock clock, Database db, Leadership leadership, Catalogs catalogs,
                         LogStore logStore) {
        this.config = config;
        this.clock = clock;
        this.db = db;
        this.leadership = leadership;
        this.logStore = logStore;
        this.logs = new LogsApi(logStore, config.region(), config.accountId(), clock);
        Timings timings = Timings.realistic().scaled(config.speed());
        this.state = new EcsState(db, config);
        this.catalog = catalogs.catalog();
        this.cloud = new SimulatedEc2(config.region(), clock,
                type -> timings.boot(catalog.find(type).orElse(null)), db);
        Context ctx = new Context(config, clock, state, cloud, catalog);
        this.offerings = catalogs.offerings();
        // DescribeInstanceTypes lists the types priced in this region (the catalog's regional availability); a
        // region without any price data keeps the whole catalog.
        this.ec2 = new Ec2QueryApi(cloud, catalog, config.accountId(), type -> {
            io.stevedore.catalog.PriceBook prices = offerings.get().selector().prices();
            return !prices.hasRegion(config.region()) || prices.onDemand(config.region(), type).isPresent();
        });
        this.reconciler = new Reconciler(ctx, timings, offerings);
        this.api = new EcsApi(db);
        StateChangeEvents.attach(state, reconciler.events(), clock);
        restoreCustomMetrics();
        this.faults = new FaultInjector(db, cloud, reconciler, state, config.speed());
        new ClusterOps(ctx).register(api);
        new CapacityProviderOps(ctx, offerings).register(api);
        new TaskDefinitionOps(ctx).register(api);
        new DaemonTaskDefinitionOps(ctx).register(api);
        new DaemonOps(ctx).register(api);
        new TaskOps(ctx, reconciler).register(api);
        new StartTaskOps(ctx, reconciler).register(api);
        new ServiceOps(ctx).register(api);
        new ServiceDeploymentOps(ctx).register(api);
        new TaskSetOps(ctx).register(api);
        new ContainerInstanceOps(ctx, reconciler).register(api);
        new AgentOps(ctx, reconciler).register(api);
        new TagOps(ctx).register(api);
        new EdgeOps(ctx).register(api);
        new AccountOps(ctx).register(api);
        this.autoScaling = new AutoScalingApi(db, ctx);
        this.cloudWatch = new CloudWatchApi(db, ctx, reconciler.autoScaling().metrics());
    }

    /** PutMetricData's stored datapoints back into the metric store that scaling alarms read. */
    private void restoreCustomMetrics() {
        var store = reconciler.autoScaling().metrics();
        db.transaction(() -> {
            for (io.stevedore.control.state.CustomDatapoint d : state.customDatapoints.values()) {
                store.put(new io.stevedore.control.scaling.MetricStore.MetricKey(d.namespace(), d.name(),
                        new java.util.TreeMap<>(d.dimensions())), d.atMillis(),
                        new io.stevedore.control.scaling.MetricStore.Stat(d.sampleCount(), d.sum(), d.minimum(),
                                d.maximum()), d.unit());
            }
            return null;
        });
    }

    /** The file of a data directory that holds CloudWatch Logs (beside {@link SqliteResourceStore#FILE}). */
    public static final String LOGS_FILE = "logs.db";

    /** Opens (or creates) the state in {@code dataDir}. */
    public static ControlPlane open(Path dataDir, PlaneConfig config, Clock clock) {
        Database db = new Database(SqliteResourceStore.open(dataDir));
        return new ControlPlane(config, clock, db, Leadership.solo(),
                LogStore.sqlite(dataDir.resolve(LOGS_FILE), LogStore.Limits.DEFAULT));
    }

    /** Opens (or creates) the state in {@code dataDir}, sharing {@code catalogs} with other regions' planes. */
    public static ControlPlane open(Path dataDir, PlaneConfig config, Clock clock, Catalogs catalogs) {
        return open(dataDir, config, clock, catalogs, LogStore.Limits.DEFAULT);
    }

    /** As {@link #open(Path, PlaneConfig, Clock, Catalogs)}, with the bounds of each log stream. */
    public static ControlPlane open(Path dataDir, PlaneConfig config, Clock clock, Catalogs catalogs,
                                   LogStore.Limits logLimits) {
        Database db = new Database(SqliteResourceStore.open(dataDir));
        return new ControlPlane(config, clock, db, Leadership.solo(), catalogs,
                LogStore.sqlite(dataDir.resolve(LOGS_FILE), logLimits));
    }

    /**
     * Opens (or creates) the state in a PostgreSQL database that other replicas may share; leadership of the
     * controllers through the database lease.
     */
    public static ControlPlane open(DatabaseUrl url, LeaseSettings lease, PlaneConfig config, Clock clock) {
        return open(url, lease, config, clock, LogStore.Limits.DEFAULT);
    }

    /** As {@link #open(DatabaseUrl, LeaseSettings, PlaneConfig, Clock)}, with the bounds of each log stream. */
    public static ControlPlane open(DatabaseUrl url, LeaseSettings lease, PlaneConfig config, Clock clock,
                                   LogStore.Limits logLimits) {
        Database db = new Database(PostgresResourceStore.open(url));
        Leadership leadership = new PostgresLeaderLease(url, lease.holder(), lease.ttl(), lease.renewEvery(),
                line -> {
                    System.out.println("stevedore: " + line);
                    System.out.flush();
                });
        return new ControlPlane(config, clock, db, leadership, LogStore.postgres(url, logLimits));
    }

    /**
     * A control plane whose state lives only in memory (the simulator: nothing is encoded or written per
     * transaction). Everything else is the same engine.
     */
    public static ControlPlane inMemory(PlaneConfig config, Clock clock) {
        return new ControlPlane(config, clock, new Database(new InMemoryResourceStore()), Leadership.solo(),
                LogStore.memory(LogStore.Limits.DEFAULT));
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
        loop.scheduleWithFixedDelay(this::purgeLogs, 0, LOG_PURGE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Deletes the log events past their group's retention (readers already no longer see them). */
    private void purgeLogs() {
        try {
            logs.purgeExpired();
        } catch (RuntimeException e) {
            System.err.println("stevedore: cannot purge expired log events: " + e.getMessage());
        }
    }

    private void tickSafely() {
        Optional<Fence> fence = leadership.current();
        leading = fence.isPresent();
        if (fence.isEmpty()) {
            followerTick();
            return;
        }
        try {
            db.transaction(fence.get(), () -> {
                reconciler.tick();
                return null;
            });
            lastTick = clock.now();
        } catch (FencedException e) {
            leading = false;
            System.err.println("stevedore: " + e.getMessage());
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
    }

    /**
     * A replica that does not lead keeps its memory current (one read-only transaction: the rows other replicas
     * committed) and proves the database reachable for readiness.
     */
    private void followerTick() {
        java.time.Instant now = clock.now();
        if (lastTick != null && now.isBefore(lastTick.plus(FOLLOWER_REFRESH))) {
            return;
        }
        try {
            db.transaction(() -> null);
            lastTick = now;
        } catch (RuntimeException e) {
            System.err.println("stevedore: cannot refresh from the database: " + e.getMessage());
        }
    }

    /** True while this process runs the controllers (as of its last reconciler tick). */
    public boolean isLeader() {
        return leading;
    }

    /** Who runs the controllers: this process's fence while it does. */
    public Leadership leadership() {
        return leadership;
    }

    /** The state, for tests and tools. */
    public Database database() {
        return db;
    }

    @Override
    public Timings timings() {
        return reconciler.timings();
    }

    @Override
    public CapacityOfferings offerings() {
        return offerings.get();
    }

    /** When the reconciler loop last completed a tick (committed to the store), or null (readiness). */
    @Override
    public java.time.Instant lastTick() {
        return lastTick;
    }

    /** Whether {@link #startLoop()} runs the reconciler and the plane is not closed. */
    @Override
    public synchronized boolean looping() {
        return loop != null && !closed;
    }

    /** The admin reset: wipes every resource. */
    @Override
    public void reset() {
        db.wipe();
        logs.wipe();
        reconciler.autoScaling().metrics().clear();
    }

    @Override
    public io.stevedore.control.agents.Agents agents() {
        return reconciler.agents();
    }

    @Override
    public AutoScalingApi autoScaling() {
        return autoScaling;
    }

    @Override
    public CloudWatchApi cloudWatch() {
        return cloudWatch;
    }

    @Override
    public LogsApi logs() {
        return logs;
    }

    @Override
    public EcsApi api() {
        return api;
    }

    /** The EC2 Query API view, answered inside the state lock like every ECS call. */
    @Override
    public Ec2QueryApi.Response ec2(String formBody) {
        return db.transaction(() -> ec2.handle(Ec2QueryRequest.parse(formBody)));
    }

    @Override
    public EcsState state() {
        return state;
    }

    public SimulatedEc2 cloud() {
        return cloud;
    }

    @Override
    public Duration tickPeriod() {
        return reconciler.timings().tick();
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    /** Fault injection into the simulated provider (admin API, CLI, simulator). */
    @Override
    public FaultInjector faults() {
        return faults;
    }

    /** The state-change event ring. */
    @Override
    public io.stevedore.control.events.EventRing events() {
        return reconciler.events();
    }

    public InstanceCatalog catalog() {
        return catalog;
    }

    @Override
    public PlaneConfig config() {
        return config;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (loop != null) {
            loop.shutdownNow();
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        leadership.close();
        db.close();
        logStore.close();
    }
}
