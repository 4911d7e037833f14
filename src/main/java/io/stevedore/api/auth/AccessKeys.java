package io.stevedore.api.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The access keys the endpoint accepts: access key id → secret access key. Configured by the operator
 * ({@code --credentials-file} with one {@code accessKeyId:secretAccessKey} a line, {@code #} comments allowed,
 * and/or {@code STEVEDORE_CREDENTIALS=id:secret,id2:secret2}); when nothing is configured the local default
 * pair {@code test}/{@code test} is the only key accepted, and only on loopback.
 *
 * @param keys       id → secret
 * @param configured whether the operator configured them (false = the local default)
 * @param acceptAny  the loopback test mode: any key accepted, signatures not checked ({@link #anyKey()})
 */
public record AccessKeys(Map<String, String> keys, boolean configured, boolean acceptAny) {
    public static final String DEFAULT_ID = "test";
    public static final String DEFAULT_SECRET = "test";

    public AccessKeys {
        keys = Map.copyOf(keys);
        if (keys.isEmpty() && !acceptAny) {
            throw new IllegalArgumentException("no access keys: configure at least one accessKeyId:secretAccessKey");
        }
        if (acceptAny && configured) {
            throw new IllegalArgumentException("any-key mode takes no configured keys");
        }
    }

    public AccessKeys(Map<String, String> keys, boolean configured) {
        this(keys, configured, false);
    }

    /**
     * The loopback test mode ({@code serve --any-access-key}), as moto and LocalStack serve: any access key with any
     * secret is accepted and signatures are not checked (the request must still carry a well-formed SigV4
     * Authorization for this region and service). Never beyond loopback.
     */
    public static AccessKeys anyKey() {
        return new AccessKeys(Map.of(), false, true);
    }

    /** The documented local default: access key {@code test}, secret {@code test}. */
    public static AccessKeys localDefault() {
        return new AccessKeys(Map.of(DEFAULT_ID, DEFAULT_SECRET), false);
    }

    public Optional<String> secretOf(String accessKeyId) {
        return Optional.ofNullable(keys.get(accessKeyId));
    }

    /**
     * The operator's keys from a file and/or an environment value (either may be null), or the local default
     * when both are absent.
     */
    public static AccessKeys load(Path file, String envValue) throws IOException {
        Map<String, String> keys = new TreeMap<>();
        if (file != null) {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    add(keys, t, file + " line " + n);
                }
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no accessKeyId:secretAccessKey line");
            }
        }
        if (envValue != null && !envValue.isBlank()) {
            for (String pair : envValue.split(",")) {
                if (!pair.isBlank()) {
                    add(keys, pair.strip(), "STEVEDORE_CREDENTIALS");
                }
            }
        }
        return keys.isEmpty() ? localDefault() : new AccessKeys(keys, true);
    }

    private static void add(Map<String, String> keys, String pair, String where) {
        int colon = pair.indexOf(':');
        if (colon <= 0 || colon == pair.length() - 1) {
            throw new IllegalArgumentException(where + ": expected accessKeyId:secretAccessKey");
        }
        String id = pair.substring(0, colon).strip();
        String secret = pair.substring(colon + 1).strip();
        if (id.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ',') || secret.isEmpty()) {
            throw new IllegalArgumentException(where + ": an access key id has no spaces, '/' or ','");
        }
        if (keys.put(id, secret) != null) {
            throw new IllegalArgumentException(where + ": access key " + id + " configured twice");
        }
    }
}
