package io.stevedore.api.auth;

import io.stevedore.api.auth.AuthException.Kind;
import io.stevedore.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Verifies the SigV4 {@code Authorization} header of a request: its parts, the request date (within 15 minutes
 * of the injected clock), the credential scope (this endpoint's region and the expected service), the access key
 * and the signature over the canonical request with the body's SHA-256. Returns the access key id.
 */
public final class SigV4Verifier {
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String MISMATCH = "The request signature we calculated does not match the signature you"
            + " provided. Check your AWS Secret Access Key and signing method. Consult the service documentation"
            + " for details.";

    private final AccessKeys keys;
    private final String region;
    private final Clock clock;
    private final java.util.concurrent.ConcurrentHashMap<String, byte[]> signingKeys =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Accepts only signatures scoped to {@code region}. */
    public SigV4Verifier(AccessKeys keys, String region, Clock clock) {
        this.keys = keys;
        this.region = java.util.Objects.requireNonNull(region, "region");
        this.clock = clock;
    }

    /**
     * Accepts a signature scoped to any region-shaped name ({@code us-west-2}, …) and reports it in
     * {@link Verified#region()}: the caller decides whether it serves that region (the edge's region router).
     */
    public SigV4Verifier(AccessKeys keys, Clock clock) {
        this.keys = keys;
        this.region = null;
        this.clock = clock;
    }

    /** A verified caller: its access key id and the region of its credential scope. */
    public record Verified(String accessKeyId, String region) {
    }

    private static final java.util.regex.Pattern EIGHT_DIGITS = java.util.regex.Pattern.compile("\\d{8}");
    private static final java.util.regex.Pattern REGION_NAME = java.util.regex.Pattern.compile(
            "[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    /** The parts of an Authorization header. */
    record Authorization(String accessKeyId, String date, String region, String service, List<String> signedHeaders,
                         String signature) {
        String scope() {
            return date + "/" + region + "/" + service + "/aws4_request";
        }
    }

    /** Verifies {@code request} for {@code service} ("ecs" or "ec2"); returns the caller's access key id. */
    public String verify(SignedRequest request, String service) {
        return verifyScoped(request, service).accessKeyId();
    }

    /** Verifies {@code request} for {@code service}; returns the caller's access key id and scope region. */
    public Verified verifyScoped(SignedRequest request, String service) {
        String header = request.header("authorization");
        if (header == null || header.isBlank()) {
            throw new AuthException(Kind.MISSING, "Request is missing Authentication Token");
        }
        Authorization auth = parse(header.strip());
        Instant signedAt = requestDate(request, header);
        checkSkew(signedAt);
        String amzDate = AMZ_DATE.format(signedAt);
        if (!auth.date().equals(amzDate.substring(0, 8))) {
            throw new AuthException(Kind.BAD_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from"
                    + " ISO-8601 version of date from HTTP: '" + auth.date() + "' != '"
                    + amzDate.substring(0, 8) + "', from 'x-amz-date'.");
        }
        if (!auth.service().equals(service)) {
            throw new AuthException(Kind.BAD_SIGNATURE, "Credential should be scoped to correct service: '"
                    + service + "'. ");
        }
        if (region != null && !auth.region().equals(region)) {
            throw new AuthException(Kind.BAD_SIGNATURE, "Credential should be scoped to a valid region, not '"
                    + auth.region() + "'. This endpoint serves '" + region + "'.");
        }
        if (region == null && !REGION_NAME.matcher(auth.region()).matches()) {
            throw new AuthException(Kind.BAD_SIGNATURE, "Credential should be scoped to a valid region, not '"
                    + auth.region() + "'. A region is named like 'us-east-1'.");
        }
        if (!auth.signedHeaders().contains("host")) {
            throw new AuthException(Kind.BAD_SIGNATURE, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        if (keys.acceptAny()) {
            // loopback test mode: any key, signature not checked (AccessKeys#anyKey)
            return new Verified(auth.accessKeyId(), auth.region());
        }
        String secret = keys.secretOf(auth.accessKeyId()).orElseThrow(() -> new AuthException(Kind.UNKNOWN_KEY,
                "The security token included in the request is invalid."));
        String payloadHash = SigV4.sha256Hex(request.body());
        String declared = request.header("x-amz-content-sha256");
        if (declared != null && !declared.strip().equalsIgnoreCase(payloadHash)) {
            throw new AuthException(Kind.BAD_SIGNATURE, "The x-amz-content-sha256 header does not match the SHA-256"
                    + " of the request body.");
        }
        for (String h : auth.signedHeaders()) {
            if (!request.headers().containsKey(h)) {
                throw new AuthException(Kind.BAD_SIGNATURE, MISMATCH + " (signed header '" + h + "' is missing)");
            }
        }
        String canonical = SigV4.canonicalRequest(request, auth.signedHeaders(), payloadHash);
        String toSign = SigV4.stringToSign(amzDate, auth.scope(), canonical);
        String expected = SigV4.signature(signingKey(auth, secret), toSign);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                auth.signature().toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            throw new AuthException(Kind.BAD_SIGNATURE, MISMATCH + "\n\nThe Canonical String for this request should"
                    + " have been\n'" + canonical + "'\n\nThe String-to-Sign should have been\n'" + toSign + "'\n");
        }
        return new Verified(auth.accessKeyId(), auth.region());
    }

    /** The derived key, cached per key, day, region and service (it changes once a day). */
    private byte[] signingKey(Authorization auth, String secret) {
        String k = auth.accessKeyId() + "/" + auth.scope();
        byte[] key = signingKeys.get(k);
        if (key == null) {
            if (signingKeys.size() > 1_000) {
                signingKeys.clear();
            }
            key = SigV4.signingKey(secret, auth.date(), auth.region(), auth.service());
            signingKeys.put(k, key);
        }
        return key;
    }

    static Authorization parse(String header) {
        if (!header.startsWith(SigV4.ALGORITHM + " ")) {
            throw new AuthException(Kind.INCOMPLETE, "Authorization header requires the '" + SigV4.ALGORITHM
                    + "' algorithm followed by 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        }
        Map<String, String> parts = new TreeMap<>();
        for (String p : header.substring(SigV4.ALGORITHM.length()).split(",")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                parts.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
            }
        }
        StringBuilder missing = new StringBuilder();
        for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
            if (parts.getOrDefault(required, "").isEmpty()) {
                missing.append("Authorization header requires '").append(required).append("' parameter. ");
            }
        }
        if (missing.length() > 0) {
            throw new AuthException(Kind.INCOMPLETE, missing + "Authorization=" + header);
        }
        String[] cred = parts.get("Credential").split("/", -1);
        if (cred.length != 5 || !"aws4_request".equals(cred[4]) || cred[0].isEmpty()
                || !EIGHT_DIGITS.matcher(cred[1]).matches()) {
            throw new AuthException(Kind.INCOMPLETE, "Credential should be of the form"
                    + " '<accessKeyId>/<yyyyMMdd>/<region>/<service>/aws4_request', not '" + parts.get("Credential")
                    + "'.");
        }
        List<String> signed = new ArrayList<>(Arrays.asList(parts.get("SignedHeaders").toLowerCase().split(";")));
        signed.removeIf(String::isEmpty);
        return new Authorization(cred[0], cred[1], cred[2], cred[3], List.copyOf(signed), parts.get("Signature"));
    }

    private static Instant requestDate(SignedRequest request, String header) {
        String amz = request.header("x-amz-date");
        try {
            if (amz != null) {
                Instant fast = basicDate(amz.strip());
                return fast != null ? fast : AMZ_DATE.parse(amz.strip(), Instant::from);
            }
            String date = request.header("date");
            if (date != null) {
                return ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw new AuthException(Kind.INCOMPLETE, "Date must be in ISO-8601 'basic format' (yyyyMMdd'T'HHmmss'Z')"
                    + " in X-Amz-Date; got '" + (amz != null ? amz : request.header("date")) + "'.");
        }
        throw new AuthException(Kind.INCOMPLETE, "Authorization header requires existence of either a"
                + " 'X-Amz-Date' or a 'Date' header. Authorization=" + header);
    }

    /**
     * {@code yyyyMMdd'T'HHmmss'Z'} read without the formatter (every call carries one), or null when the text is
     * not plainly that shape (the formatter then decides, with its error message).
     */
    static Instant basicDate(String s) {
        if (s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z') {
            return null;
        }
        for (int i = 0; i < 15; i++) {
            if (i != 8 && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                return null;
            }
        }
        int month = Integer.parseInt(s, 4, 6, 10);
        int day = Integer.parseInt(s, 6, 8, 10);
        int hour = Integer.parseInt(s, 9, 11, 10);
        int minute = Integer.parseInt(s, 11, 13, 10);
        int second = Integer.parseInt(s, 13, 15, 10);
        int year = Integer.parseInt(s, 0, 4, 10);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
                || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        return java.time.LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
    }

    private void checkSkew(Instant signedAt) {
        Instant now = clock.now();
        if (signedAt.isBefore(now.minus(MAX_SKEW))) {
            String at = AMZ_DATE.format(signedAt);
            throw new AuthException(Kind.EXPIRED, "Signature expired: " + at + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " - 15 min.)");
        }
        if (signedAt.isAfter(now.plus(MAX_SKEW))) {
            String at = AMZ_DATE.format(signedAt);
            throw new AuthException(Kind.EXPIRED, "Signature not yet current: " + at + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW)) + " (" + AMZ_DATE.format(now) + " + 15 min.)");
        }
    }
}
