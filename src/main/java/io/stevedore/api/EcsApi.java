package io.stevedore.api;

import io.stevedore.store.Database;
import io.stevedore.wire.AwsException;
import io.stevedore.wire.AwsJsonCodec;
import io.stevedore.wire.RequiredMembers;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkPojo;

/**
 * The ECS operation table: parses the request body into the operation's SDK request object, runs the handler
 * inside one database transaction (persisted before the answer is sent) and serializes the SDK response. The
 * operations of {@link #SNAPSHOT_READS} only read tables: they run with {@link Database#read}, on the durable
 * snapshot and without the write lock, so they neither wait for writes nor make writes wait.
 */
public final class EcsApi {
    public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";

    /**
     * The operations that read nothing but the state's tables (no controller, cloud or catalog state), answered
     * from the durable snapshot. A handler among them that writes after all runs again as a transaction.
     */
    public static final Set<String> SNAPSHOT_READS = Set.of("DescribeTasks", "ListTasks", "DescribeClusters",
            "ListClusters", "DescribeServices", "ListServices", "DescribeTaskDefinition", "ListTaskDefinitions",
            "ListTaskDefinitionFamilies", "ListContainerInstances", "ListTagsForResource", "GetTaskProtection",
            "ListAccountSettings");

    private record Handler<I>(Supplier<? extends SdkPojo> builder, Class<I> type,
                              Function<I, ? extends SdkPojo> fn, boolean reads) {
    }

    /** The base URL the current call reached the server at (DiscoverPollEndpoint answers it), per worker thread. */
    private static final ThreadLocal<String> ENDPOINT = new ThreadLocal<>();
    /** Set while an in-process call runs whose answer its caller does not read ({@link #send}). */
    private static final ThreadLocal<Boolean> UNREAD = new ThreadLocal<>();
    private final AwsJsonCodec codec = new AwsJsonCodec();
    private final Database db;
    private final Map<String, Handler<?>> handlers = new TreeMap<>();

    public EcsApi(Database db) {
        this.db = db;
    }

    public <I> void register(String operation, Supplier<? extends SdkPojo> builder, Class<I> type,
                             Function<I, ? extends SdkPojo> fn) {
        if (handlers.put(operation, new Handler<>(builder, type, fn, SNAPSHOT_READS.contains(operation))) != null) {
            throw new IllegalArgumentException("operation registered twice: " + operation);
        }
    }

    /**
     * Runs {@code call} with {@code endpoint} (e.g. {@code http://127.0.0.1:8080}) as the base URL the caller
     * reached: the edge sets it from the request's Host header.
     */
    public static <T> T atEndpoint(String endpoint, Supplier<T> call) {
        String before = ENDPOINT.get();
        ENDPOINT.set(endpoint);
        try {
            return call.get();
        } finally {
            ENDPOINT.set(before);
        }
    }

    /** The base URL the current call reached the server at, or {@code http://localhost} for in-process calls. */
    public static String endpoint() {
        String e = ENDPOINT.get();
        return e == null ? "http://localhost" : e;
    }

    public Set<String> operations() {
        return handlers.keySet();
    }

    /** Handles one call; {@code target} is the X-Amz-Target header. Throws {@link AwsException} for errors. */
    public String handle(String target, String body) {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: "
                    + (target == null ? "(no X-Amz-Target header)" : target));
        }
        Handler<?> h = handlers.get(target.substring(TARGET_PREFIX.length()));
        if (h == null) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: " + target);
        }
        return codec.writeString(call(h, body));
    }

    /**
     * Handles one call given as the SDK request object, answering the SDK response object: the same handler,
     * validation and transaction as {@link #handle}, without JSON either way (the simulator's frequent calls).
     */
    public SdkPojo invoke(String operation, SdkPojo request) {
        Handler<?> h = handlers.get(operation);
        if (h == null) {
            throw new AwsException("UnknownOperationException", 400, "Unknown operation: " + operation);
        }
        return call(h, request);
    }

    /**
     * {@link #invoke} for a caller that does not read the answer (the simulator's UpdateService calls): the same
     * handler, validation and transaction, with {@link #answerRead} false, so that a handler may leave out of its
     * answer what only costs to build (UpdateService's copy of the service's latest 100 events).
     */
    public void send(String operation, SdkPojo request) {
        Boolean before = UNREAD.get();
        UNREAD.set(Boolean.TRUE);
        try {
            invoke(operation, request);
        } finally {
            UNREAD.set(before);
        }
    }

    /** Whether the current call's answer is read: false only inside {@link #send} (never on the wire path). */
    public static boolean answerRead() {
        return UNREAD.get() == null;
    }

    private <I> SdkPojo call(Handler<I> h, String body) {
        return call(h, (SdkPojo) codec.read(body, h.builder, h.type));
    }

    private <I> SdkPojo call(Handler<I> h, SdkPojo message) {
        I request = h.type.cast(message);
        // The operation's own checks speak first (with ECS's wording); a nested required member none of them
        // looked at still fails the call, and the transaction rolls back whatever the handler did.
        Supplier<SdkPojo> work = () -> {
            SdkPojo answer = h.fn.apply(request);
            RequiredMembers.ecs().checkNested((SdkPojo) request);
            return answer;
        };
        return h.reads ? db.read(work) : db.transaction(work);
    }
}
