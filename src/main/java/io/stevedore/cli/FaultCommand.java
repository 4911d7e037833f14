package io.stevedore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code stevedore fault}: injects a fault into a running server's simulated provider ({@code POST /_stevedore/faults}). */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = {"Injects a fault into the simulated EC2 of a running server: terminate, impair, recover,"
                + " spot-interruption, shortage, end-shortage, launch-latency, or attaches a maintenance window"
                + " (event-window). See docs/lifecycle.md.",
                "Exit codes: 0 = applied, 1 = rejected (the reason is printed), 2 = the server is unreachable."})
public final class FaultCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<action>", description = "terminate | impair | recover | spot-interruption"
            + " | shortage | end-shortage | launch-latency | event-window")
    String action;

    @Option(names = "--endpoint", defaultValue = "http://127.0.0.1:8080",
            description = "The server's URL (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--instance-id", description = "The EC2 instance (terminate, impair, recover, spot-interruption).")
    String instanceId;

    @Option(names = "--check-type", description = "Health check type of an impairment (default CONTAINER_RUNTIME).")
    String checkType;

    @Option(names = "--reason", description = "Status reason of an impairment.")
    String reason;

    @Option(names = "--instance-type", description = "Instance type of a shortage.")
    String instanceType;

    @Option(names = "--availability-zone", description = "Zone of a shortage (default: every zone).")
    String zone;

    @Option(names = "--seconds", description = "Launch latency in seconds.")
    Long seconds;

    @Option(names = "--cluster", description = "Cluster of event-window.")
    String cluster;

    @Option(names = "--capacity-provider", description = "Capacity provider of event-window.")
    String capacityProvider;

    @Option(names = "--expression", description = "event-window: ranges (sat:02-sat:06) or cron (\"* 2-6 * * 6\");"
            + " omit to remove the window.")
    String expression;

    @Override
    public Integer call() {
        ObjectNode b = new ObjectMapper().createObjectNode().put("action", action);
        put(b, "instanceId", instanceId);
        put(b, "checkType", checkType);
        put(b, "reason", reason);
        put(b, "instanceType", instanceType);
        put(b, "availabilityZone", zone);
        put(b, "cluster", cluster);
        put(b, "capacityProvider", capacityProvider);
        put(b, "expression", expression);
        if (seconds != null) {
            b.put("seconds", seconds);
        }
        return EventsCommand.Admin.send(spec, HttpRequest.newBuilder(URI.create(EventsCommand.Admin.base(endpoint)
                + "/_stevedore/faults")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(b.toString())));
    }

    private static void put(ObjectNode b, String k, String v) {
        if (v != null) {
            b.put(k, v);
        }
    }
}
