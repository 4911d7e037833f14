package io.stevedore.api;

import com.sun.net.httpserver.HttpExchange;
import io.stevedore.api.auth.AccessKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may use the console. With the local default key (or the loopback any-key test mode) the server listens on
 * loopback only, and the console opens directly: a session is made on the first visit. With configured keys (the
 * only way to listen beyond loopback) a person signs in with one of them: the secret travels in a POST body, never in
 * a URL, and is compared in constant time. Sessions are random 256-bit ids in an {@code HttpOnly}, {@code
 * SameSite=Strict} cookie scoped to {@code /console} (also {@code Secure} behind a TLS proxy that says so with {@code
 * X-Forwarded-Proto: https}); they end after {@link #IDLE_MILLIS} unused or {@link #LIFETIME_MILLIS} after sign-in.
 * Every action also needs the session's CSRF token in the {@code X-CSRF-Token} header. Failed sign-ins are limited
 * per client address.
 */
final class ConsoleAuth {
    static final String COOKIE = "stevedore_console";
    static final long IDLE_MILLIS = 8 * 3600_000L;
    static final long LIFETIME_MILLIS = 24 * 3600_000L;
    static final int MAX_SESSIONS = 10_000;
    static final int MAX_FAILURES = 5;
    static final long FAILURE_WINDOW_MILLIS = 60_000;
    /** Client addresses whose failed sign-ins are remembered (the oldest is forgotten first). */
    static final int MAX_CLIENTS = 10_000;

    record Session(String id, String csrf, String user, long createdMillis, AtomicLong lastSeen) {
        boolean live(long now) {
            return now - lastSeen.get() <= IDLE_MILLIS && now - createdMillis <= LIFETIME_MILLIS;
        }
    }

    private final AccessKeys keys;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > MAX_CLIENTS;
        }
    };
    /** Compared against when the key id is unknown, so that an unknown id takes as long as a wrong secret. */
    private final byte[] decoy;

    ConsoleAuth(AccessKeys keys) {
        this.keys = keys;
        this.decoy = token().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the console opens without signing in (loopback with the local default key or the any-key mode). */
    boolean open() {
        return !keys.configured();
    }

    /** The caller's live session, if its cookie names one. */
    Optional<Session> session(HttpExchange ex) {
        String id = cookie(ex);
        Session s = id == null ? null : sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        if (!s.live(now)) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        s.lastSeen().set(now);
        return Optional.of(s);
    }

    /** A new session for {@code user}; its cookie is set on {@code ex}. */
    Session start(HttpExchange ex, String user) {
        long now = System.currentTimeMillis();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !s.live(now));
            if (sessions.size() >= MAX_SESSIONS) { // still full: drop the least recently used
                sessions.values().stream().min((a, b) -> Long.compare(a.lastSeen().get(), b.lastSeen().get()))
                        .ifPresent(s -> sessions.remove(s.id(), s));
            }
        }
        Session s = new Session(token(), token(), user, now, new AtomicLong(now));
        sessions.put(s.id(), s);
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/console; HttpOnly; SameSite=Strict"
                + secure(ex));
        return s;
    }

    void end(HttpExchange ex, Session s) {
        sessions.remove(s.id(), s);
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict"
                + secure(ex));
    }

    private static String secure(HttpExchange ex) {
        return "https".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-Forwarded-Proto")) ? "; Secure" : "";
    }

    /** Whether the request carries the session's CSRF token. */
    static boolean csrfOk(HttpExchange ex, Session s) {
        String sent = ex.getRequestHeaders().getFirst("X-CSRF-Token");
        return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                s.csrf().getBytes(StandardCharsets.UTF_8));
    }

    enum Verdict { OK, BAD_KEY, TOO_MANY }

    /** Checks a sign-in against the configured keys (constant-time secret comparison, failures limited). */
    synchronized Verdict check(String client, String accessKeyId, String secret) {
        long now = System.currentTimeMillis();
        Deque<Long> recent = failures.computeIfAbsent(client, k -> new ArrayDeque<>());
        while (!recent.isEmpty() && now - recent.peekFirst() > FAILURE_WINDOW_MILLIS) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_FAILURES) {
            return Verdict.TOO_MANY;
        }
        String expected = accessKeyId == null ? null : keys.secretOf(accessKeyId).orElse(null);
        byte[] sent = (secret == null ? "" : secret).getBytes(StandardCharsets.UTF_8);
        boolean ok = MessageDigest.isEqual(expected == null ? decoy : expected.getBytes(StandardCharsets.UTF_8), sent)
                && expected != null && secret != null;
        if (!ok) {
            recent.addLast(now);
            return Verdict.BAD_KEY;
        }
        failures.remove(client);
        return Verdict.OK;
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String cookie(HttpExchange ex) {
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(COOKIE + "=")) {
                    return p.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }
}
