package io.stevedore.assembly;

import io.stevedore.api.Backend;
import io.stevedore.api.Regions;
import io.stevedore.catalog.PriceBook;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.store.SqliteResourceStore;
import io.stevedore.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every region at one endpoint: one {@link ControlPlane} per region, the same engine, each with its own state and
 * control loop. The home region ({@code --region}) is opened at start; another region is opened on the first call
 * signed for it, and only if the price data covers it (so at most as many planes as regions with prices).
 *
 * <p>Embedded state: the home region keeps the data directory's own database ({@code D/stevedore.db}, the layout
 * from before regions); region R gets {@code D/regions/R/stevedore.db}. Regions found there are opened again at
 * start, so their control loops resume. A plane without an opener for other regions (PostgreSQL) serves its home
 * region only and answers others with a clear error.
 */
public final class RegionalPlanes implements Regions, AutoCloseable {
    /** The sub-directory of a data directory that holds the regions other than the home region. */
    public static final String REGIONS_DIR = "regions";
    /** The file in a data directory that names the region of its own database (the home region). */
    public static final String HOME_REGION_FILE = "home-region";

    private final ControlPlane home;
    private final Function<PlaneConfig, ControlPlane> opener;
    private final String onlyHomeReason;
    /** Guarded by this; {@link #byRegion} is its copy for lock-free look-ups on every call. */
    private final Map<String, ControlPlane> planes = new LinkedHashMap<>();
    /** The agent settings of every region (null: the defaults). */
    private io.stevedore.control.agents.Agents.Settings agentSettings;
    private final Map<String, ControlPlane> byRegion = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<Backend> opened;
    private boolean looping;
    private boolean closed;
    private Set<String> priced;

    private RegionalPlanes(ControlPlane home, Function<PlaneConfig, ControlPlane> opener, String onlyHomeReason) {
        this.home = home;
        this.opener = opener;
        this.onlyHomeReason = onlyHomeReason;
        planes.put(home.config().region(), home);
        byRegion.put(home.config().region(), home);
        this.opened = List.of(home);
    }

    /**
     * Embedded SQLite state under {@code dataDir}: the home region in {@code dataDir} itself, every other region in
     * {@code dataDir/regions/<region>}; regions already there are opened now.
     */
    public static RegionalPlanes open(Path dataDir, PlaneConfig home, Clock clock) {
        return open(dataDir, home, clock, io.stevedore.store.LogStore.Limits.DEFAULT);
    }

    /** As {@link #open(Path, PlaneConfig, Clock)}, with the bounds of each CloudWatch Logs stream. */
    public static RegionalPlanes open(Path dataDir, PlaneConfig home, Clock clock,
                                      io.stevedore.store.LogStore.Limits logLimits) {
        checkHomeRegion(dataDir, home.region());
        ControlPlane.Catalogs catalogs = ControlPlane.Catalogs.load();
        ControlPlane homePlane = ControlPlane.open(dataDir, home, clock, catalogs, logLimits);
        ControlPlane.Catalogs shared = new ControlPlane.Catalogs(homePlane.catalog(), homePlane::offerings);
        RegionalPlanes r = new RegionalPlanes(homePlane, config -> ControlPlane.open(
                dataDir.resolve(REGIONS_DIR).resolve(config.region()), config, clock, shared, logLimits), null);
        try {
            for (String region : persistedRegions(dataDir)) {
                if (!region.equals(home.region())) {
                    r.backend(region);
                }
            }
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    /**
     * Only {@code home}'s region; a call signed for another is refused with {@code reason} (why this store holds
     * one region, and what to do).
     */
    public static RegionalPlanes only(ControlPlane home, String reason) {
        return new RegionalPlanes(home, null, reason);
    }

    /**
     * PostgreSQL state (replicas sharing one database) holds one region, the home region; a call signed for another
     * is refused, naming why and what to do instead.
     */
    public static RegionalPlanes postgres(ControlPlane home) {
        String region = home.config().region();
        return only(home, "this server keeps its state in PostgreSQL (--database-url), which holds one region, its"
                + " --region '" + region + "'. Sign for '" + region + "', start a server per region (each on its own"
                + " database), or use the embedded store (--data-dir), which serves every region with price data.");
    }

    /**
     * The data directory's own database holds its home region's state (ARNs with that region): opening it as
     * another region would serve those resources under the wrong region, so that is refused. A directory from
     * before regions (no {@link #HOME_REGION_FILE}) is taken to be {@code region}'s, and marked.
     */
    static void checkHomeRegion(Path dataDir, String region) {
        Path file = dataDir.resolve(HOME_REGION_FILE);
        try {
            if (Files.exists(file)) {
                String recorded = Files.readString(file).strip();
                if (!recorded.equals(region)) {
                    throw new IllegalArgumentException("the data directory " + dataDir + " holds the state of home"
                            + " region " + recorded + " (" + file + "), not " + region + ": start with --region "
                            + recorded + " (every other region is served too, by the SigV4 scope of each call)");
                }
                return;
            }
            Files.createDirectories(dataDir);
            Files.writeString(file, region + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    /** Regions with a database under {@code dataDir/regions}. */
    static Set<String> persistedRegions(Path dataDir) {
        Set<String> out = new TreeSet<>();
        Path dir = dataDir.resolve(REGIONS_DIR);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.exists(p.resolve(SqliteResourceStore.FILE)))
                    .forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    @Override
    public ControlPlane home() {
        return home;
    }

    @Override
    public Backend backend(String region) {
        if (region.equals(home.config().region())) {
            return home;
        }
        ControlPlane plane = byRegion.get(region);
        return plane != null ? plane : open(region);
    }

    private synchronized ControlPlane open(String region) {
        ControlPlane plane = planes.get(region);
        if (plane != null) {
            return plane;
        }
        if (closed) {
            throw new IllegalStateException("the server is shutting down");
        }
        refuseUnserved(region);
        PlaneConfig c = home.config();
        plane = opener.apply(c.inRegion(region));
        planes.put(region, plane);
        byRegion.put(region, plane);
        opened = List.copyOf(planes.values());
        if (agentSettings != null) {
            plane.agents().configure(agentSettings);
        }
        if (looping) {
            plane.startLoop();
        }
        return plane;
    }

    /** Throws {@link RegionRefused} unless a plane may be opened for {@code region}. */
    private void refuseUnserved(String region) {
        Set<String> withPrices = pricedRegions();
        if (!withPrices.contains(region) && !knownRegions().contains(region)) {
            throw RegionRefused.signature("Credential should be scoped to a valid region, not '" + region + "'. '"
                    + region + "' is not an AWS Region; this endpoint serves " + withPrices.size() + " regions: "
                    + String.join(", ", withPrices) + ".");
        }
        if (!withPrices.contains(region)) {
            throw RegionRefused.unsupported("Region '" + region + "' is not served here: Stevedore has no EC2"
                    + " On-Demand prices for it (" + PriceBook.ON_DEMAND_RESOURCE + "), so it can neither choose"
                    + " nor price instances there. Regions with price data: " + String.join(", ", withPrices)
                    + ".");
        }
        if (opener == null) {
            throw RegionRefused.unsupported("Region '" + region + "' is not served here: " + onlyHomeReason);
        }
    }

    private synchronized Set<String> pricedRegions() {
        if (priced == null) {
            priced = new TreeSet<>(home.offerings().selector().prices().regions());
        }
        return priced;
    }

    /** The AWS Regions the SDK knows, in every partition. */
    private static Set<String> knownRegions() {
        Set<String> out = new TreeSet<>();
        software.amazon.awssdk.regions.Region.regions().forEach(r -> out.add(r.id()));
        return out;
    }

    @Override
    public List<Backend> opened() {
        return opened;
    }

    /** The opened planes, the home region first. */
    public synchronized List<ControlPlane> planes() {
        return new ArrayList<>(planes.values());
    }

    @Override
    public void resetAll() {
        for (ControlPlane p : planes()) {
            p.reset();
        }
    }

    /** How every opened region, and every region opened from now on, watches its agents (docs/execution.md). */
    public synchronized void configureAgents(io.stevedore.control.agents.Agents.Settings settings) {
        agentSettings = settings;
        planes.values().forEach(p -> p.agents().configure(settings));
    }

    /** Starts the control loop of every opened region, and of every region opened from now on. */
    public synchronized void startLoop() {
        looping = true;
        planes.values().forEach(ControlPlane::startLoop);
    }

    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        for (ControlPlane p : planes.values()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
