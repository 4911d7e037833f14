package io.stevedore.api;

import com.sun.net.httpserver.HttpExchange;
import io.stevedore.api.auth.AccessKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may use the console. With the local default key (or the loopback any-key test mode) the server listens on
 * loopback only, and the console opens directly: a session is made on the first visit. With configured keys (the
 * only way to listen beyond loopback) a person signs in with one of them: the secret travels in a POST body, never in
 * a URL, and is compared in constant time. Sessions are random 256-bit ids in an {@code HttpOnly}, {@code
 * SameSite=Strict} cookie scoped to {@code /console}; every action also needs the session's CSRF token in the
 * {@code X-CSRF-Token} header. Failed sign-ins are limited per client address.
 */
final class ConsoleAuth {
    static final String COOKIE = "stevedore_console";
    static final long IDLE_MILLIS = 8 * 3600_000L;
    static final int MAX_SESSIONS = 10_000;
    static final int MAX_FAILURES = 5;
    static final long FAILURE_WINDOW_MILLIS = 60_000;

    record Session(String id, String csrf, String user, long createdMillis) {
    }

    private final AccessKeys keys;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> failures = new HashMap<>();

    ConsoleAuth(AccessKeys keys) {
        this.keys = keys;
    }

    /** Whether the console opens without signing in (loopback with the local default key or the any-key mode). */
    boolean open() {
        return !keys.configured();
    }

    /** The caller's live session, if its cookie names one. */
    Optional<Session> session(HttpExchange ex) {
        String id = cookie(ex);
        if (id == null) {
            return Optional.empty();
        }
        Session s = sessions.get(id);
        long now = System.currentTimeMillis();
        Long seen = lastSeen.get(id);
        if (s == null || seen == null || now - seen > IDLE_MILLIS) {
            if (s != null) {
                sessions.remove(id);
                lastSeen.remove(id);
            }
            return Optional.empty();
        }
        lastSeen.put(id, now);
        return Optional.of(s);
    }

    /** A new session for {@code user}; its cookie is set on {@code ex}. */
    Session start(HttpExchange ex, String user) {
        if (sessions.size() >= MAX_SESSIONS) {
            expire();
        }
        Session s = new Session(token(), token(), user, System.currentTimeMillis());
        sessions.put(s.id(), s);
        lastSeen.put(s.id(), s.createdMillis());
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/console; HttpOnly; SameSite=Strict");
        return s;
    }

    void end(HttpExchange ex, Session s) {
        sessions.remove(s.id());
        lastSeen.remove(s.id());
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict");
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
        if (failures.size() > 10_000) { // many addresses: forget those without a recent failure
            failures.values().removeIf(d -> d.isEmpty() || now - d.peekLast() > FAILURE_WINDOW_MILLIS);
        }
        Deque<Long> recent = failures.computeIfAbsent(client, k -> new ArrayDeque<>());
        while (!recent.isEmpty() && now - recent.peekFirst() > FAILURE_WINDOW_MILLIS) {
            recent.removeFirst();
        }
        if (recent.size() >= MAX_FAILURES) {
            return Verdict.TOO_MANY;
        }
        String expected = accessKeyId == null ? null : keys.secretOf(accessKeyId).orElse(null);
        boolean ok = expected != null && secret != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            recent.addLast(now);
            return Verdict.BAD_KEY;
        }
        failures.remove(client);
        return Verdict.OK;
    }

    private void expire() {
        long now = System.currentTimeMillis();
        for (Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (now - e.getValue() > IDLE_MILLIS) {
                sessions.remove(e.getKey());
                it.remove();
            }
        }
        if (sessions.size() >= MAX_SESSIONS) { // still full: drop the oldest
            lastSeen.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(e -> {
                sessions.remove(e.getKey());
                lastSeen.remove(e.getKey());
            });
        }
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
