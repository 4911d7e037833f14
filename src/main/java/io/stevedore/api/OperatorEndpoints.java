package io.stevedore.api;

import io.stevedore.api.observe.ApiMetrics;
import io.stevedore.api.observe.FleetMetrics;
import io.stevedore.api.observe.PrometheusText;
import java.time.Duration;
import java.time.Instant;

/**
 * The operator's GET endpoints: {@code /metrics} (Prometheus text), {@code /_stevedore/health} and {@code /}
 * (liveness: the process answers), {@code /_stevedore/ready} (readiness: the reconciler loop runs and its last
 * tick committed to the store recently).
 */
final class OperatorEndpoints {
    /** A tick older than this many tick periods (at least {@link #MIN_STALE}) makes the server not ready. */
    static final int STALE_TICKS = 20;
    static final Duration MIN_STALE = Duration.ofSeconds(10);

    private final Regions regions;
    private final ApiMetrics api;
    private final FleetMetrics fleet;
    /** The fleet metrics of the regions other than the home one, as they are opened. */
    private final java.util.Map<String, FleetMetrics> regional = new java.util.concurrent.ConcurrentHashMap<>();

    OperatorEndpoints(Regions regions, ApiMetrics api) {
        this.regions = regions;
        this.api = api;
        Backend home = regions.home();
        this.fleet = new FleetMetrics(home.state(), home.config().region());
    }

    /** The answer to {@code GET path}, or null when the path is not an operator endpoint. */
    ApiServer.Answer get(String path) {
        return switch (path) {
            case "/", "/_stevedore/health" -> new ApiServer.Answer(200, "application/json", "{\"status\":\"ok\"}",
                    null);
            case "/_stevedore/ready" -> ready();
            case "/metrics" -> metrics();
            default -> null;
        };
    }

    /** Ready when every opened region's control loop is; otherwise the first reason, naming its region. */
    private ApiServer.Answer ready() {
        java.util.List<Backend> opened = regions.opened();
        Instant oldest = null;
        for (Backend plane : opened) {
            if (plane != opened.get(0) && plane.looping() && plane.lastTick() == null) {
                continue; // a region opened by a call moments ago: its first tick is due within a period
            }
            String reason = notReady(plane);
            if (reason != null) {
                String where = opened.size() > 1 ? " (region " + plane.config().region() + ")" : "";
                return new ApiServer.Answer(503, "application/json", "{\"status\":\"not ready\",\"reason\":\""
                        + reason + where + "\"}", null);
            }
            Instant last = plane.lastTick();
            oldest = oldest == null || last.isBefore(oldest) ? last : oldest;
        }
        return new ApiServer.Answer(200, "application/json", "{\"status\":\"ready\",\"lastTick\":\"" + oldest
                + "\"}", null);
    }

    /** Why one region's plane is not ready, or null. */
    private static String notReady(Backend plane) {
        Instant last = plane.lastTick();
        Duration stale = plane.tickPeriod().multipliedBy(STALE_TICKS);
        if (stale.compareTo(MIN_STALE) < 0) {
            stale = MIN_STALE;
        }
        String reason;
        if (!plane.looping()) {
            reason = "the reconciler loop is not running";
        } else if (last == null) {
            reason = "the reconciler has not completed a tick yet";
        } else if (Duration.between(last, plane.clock().now()).compareTo(stale) > 0) {
            reason = "the reconciler's last completed tick was at " + last + " (more than " + stale.toSeconds()
                    + " s ago)";
        } else {
            reason = null;
        }
        return reason;
    }

    private ApiServer.Answer metrics() {
        PrometheusText out = new PrometheusText();
        java.util.List<FleetMetrics> sources = new java.util.ArrayList<>(java.util.List.of(fleet));
        for (Backend b : regions.opened()) {
            if (b != regions.home()) {
                sources.add(regional.computeIfAbsent(b.config().region(), r -> new FleetMetrics(b.state(), r, true)));
            }
        }
        FleetMetrics.write(out, sources);
        api.write(out);
        out.family("stevedore_up", "gauge", "1 while the server answers.");
        out.sample("stevedore_up", "", 1);
        return new ApiServer.Answer(200, PrometheusText.CONTENT_TYPE, out.toString(), null);
    }
}
