package io.stevedore.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stevedore events}: reads a server's state-change event ring ({@code GET /_stevedore/events}). */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Prints the task, container-instance, capacity-provider and lifecycle events of a running"
                + " server as EventBridge-shaped JSON (source aws.ecs), oldest first.",
                "Exit codes: 0 = printed, 1 = the server answered with an error, 2 = the server is unreachable."})
public final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", defaultValue = "http://127.0.0.1:8080",
            description = "The server's URL (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--since", description = "Only events after this sequence number (the nextSince of an earlier"
            + " answer) or at/after this ISO-8601 time.")
    String since;

    @Option(names = "--type", description = "Only this detail-type, e.g. \"ECS Task State Change\".")
    String type;

    @Option(names = "--limit", defaultValue = "1000", description = "At most this many events (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("?limit=").append(limit);
        if (since != null) {
            q.append("&since=").append(URLEncoder.encode(since, StandardCharsets.UTF_8));
        }
        if (type != null) {
            q.append("&type=").append(URLEncoder.encode(type, StandardCharsets.UTF_8));
        }
        return Admin.send(spec, HttpRequest.newBuilder(URI.create(Admin.base(endpoint) + "/_stevedore/events" + q))
                .GET());
    }

    /** Shared HTTP plumbing of the admin commands. */
    static final class Admin {
        private Admin() {
        }

        static String base(String endpoint) {
            return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        }

        static int send(CommandSpec spec, HttpRequest.Builder request) {
            try {
                HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                        .send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                (r.statusCode() == 200 ? spec.commandLine().getOut() : spec.commandLine().getErr())
                        .println(r.body());
                return r.statusCode() == 200 ? 0 : 1;
            } catch (IOException e) {
                spec.commandLine().getErr().println("stevedore: cannot reach " + request.build().uri() + ": " + e);
                return 2;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 2;
            }
        }
    }
}
