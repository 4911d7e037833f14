package io.stevedore.bench.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The botocore ECS service model ({@code botocore/data/ecs/2014-11-13/service-2.json.gz} of the installed Python
 * botocore), read at run time for what the Java SDK's field metadata does not say: which members are required and
 * the enum values of a string shape. {@link #absent()} when botocore is not installed (the fuzzer then falls back
 * to the SDK's {@code RequiredTrait}).
 */
public final class ServiceModel {
    private final JsonNode doc;
    private final String source;

    private ServiceModel(JsonNode doc, String source) {
        this.doc = doc;
        this.source = source;
    }

    public static ServiceModel absent() {
        return new ServiceModel(null, "AWS SDK for Java v2 metadata (botocore not found)");
    }

    /** Finds the model through {@code python3 -c 'import botocore'} (or {@code $BOTOCORE_ECS_MODEL}). */
    public static ServiceModel load() {
        try {
            String explicit = System.getenv("BOTOCORE_ECS_MODEL");
            Path file = explicit != null ? Path.of(explicit) : locate();
            if (file == null || !Files.isRegularFile(file)) {
                return absent();
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return new ServiceModel(new ObjectMapper().readTree(in), file.toString());
            }
        } catch (Exception e) {
            return absent();
        }
    }

    private static Path locate() throws Exception {
        Process p = new ProcessBuilder("python3", "-c",
                "import botocore, os; print(os.path.dirname(botocore.__file__))").redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return null;
        }
        String dir = new String(p.getInputStream().readAllBytes()).strip();
        return Path.of(dir, "data", "ecs", "2014-11-13", "service-2.json.gz");
    }

    public boolean present() {
        return doc != null;
    }

    public String source() {
        return source;
    }

    /** The input shape name of an operation, or null. */
    public String inputShape(String operation) {
        if (doc == null) {
            return null;
        }
        JsonNode op = doc.path("operations").path(operation).path("input").path("shape");
        return op.isTextual() ? op.asText() : null;
    }

    /** The shape a member of {@code shape} refers to (for lists: the list shape itself), or null. */
    public String memberShape(String shape, String member) {
        JsonNode s = shape(shape);
        JsonNode m = s == null ? null : s.path("members").path(member).path("shape");
        return m != null && m.isTextual() ? m.asText() : null;
    }

    /** The element shape of a list shape, or the value shape of a map shape, or null. */
    public String elementShape(String shape) {
        JsonNode s = shape(shape);
        if (s == null) {
            return null;
        }
        JsonNode e = s.has("member") ? s.path("member").path("shape") : s.path("value").path("shape");
        return e.isTextual() ? e.asText() : null;
    }

    /** Whether {@code member} is required in {@code shape} (false when unknown). */
    public boolean required(String shape, String member) {
        JsonNode s = shape(shape);
        if (s == null) {
            return false;
        }
        for (JsonNode r : s.path("required")) {
            if (r.asText().equals(member)) {
                return true;
            }
        }
        return false;
    }

    /** The enum values of a string shape (empty when none). */
    public List<String> enumValues(String shape) {
        List<String> out = new ArrayList<>();
        JsonNode s = shape(shape);
        if (s != null) {
            s.path("enum").forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    private JsonNode shape(String name) {
        if (doc == null || name == null) {
            return null;
        }
        JsonNode s = doc.path("shapes").path(name);
        return s.isMissingNode() ? null : s;
    }
}
