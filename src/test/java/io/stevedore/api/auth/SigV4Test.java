package io.stevedore.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.SdkHttpRequest;

/** The SigV4 computations against AWS's published example and the SDK's own signer. */
class SigV4Test {

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"20261206T031500Z", "20240229T235959Z",
            "20230231T000000Z", "20230101T240000Z", "20230101T000060Z", "2023010 T000000Z", "20230101T000000",
            "20231301T000000Z", "00000101T000000Z"})
    void basicDate_readsWhatTheFormatterReads(String text) {
        Instant fast = SigV4Verifier.basicDate(text);
        Instant formatter;
        try {
            formatter = SigV4Verifier.AMZ_DATE.parse(text, Instant::from);
        } catch (java.time.DateTimeException e) {
            formatter = null;
        }
        // the fast path answers only plain, valid dates; the rest go to the formatter (fast == null)
        if (fast != null) {
            assertThat(fast).isEqualTo(formatter);
        } else {
            assertThat(text).isNotIn("20261206T031500Z", "20240229T235959Z");
        }
    }

    @Test
    void canonicalHeaderValue_collapsesOnlyRunsOfWhitespace() {
        assertThat(SigV4.canonicalHeaderValue(List.of("  a b  c\t d ", "x"))).isEqualTo("a b c d,x");
        assertThat(SigV4.canonicalHeaderValue(List.of("application/x-amz-json-1.1"))).isEqualTo(
                "application/x-amz-json-1.1");
        assertThat(SigV4.canonicalHeaderValue(List.of("a\tb"))).isEqualTo("a b");
    }

    @Test
    void signingKey_publishedExample_matches() {
        // The key-derivation example of the SigV4 documentation (IAM, us-east-1, 2015-08-30).
        byte[] key = SigV4.signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
        assertThat(HexFormat.of().formatHex(key))
                .isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    }

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of("/", Map.of("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters"), "{}"),
                Arguments.of("/some/path%20x", Map.of("X-Custom", "  a   b  "), "{\"k\":\"ü\"}"),
                Arguments.of("/?b=2&a=1&a=0&sp=x%20y&e=", Map.of(), ""),
                Arguments.of("/", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                        "Action=DescribeVpcs&Version=2016-11-15"));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void verify_requestSignedBySdkSigner_accepted(String pathAndQuery, Map<String, String> headers, String body) {
        URI uri = URI.create("http://127.0.0.1:8080" + pathAndQuery);
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        SdkHttpRequest signed = RawClient.sign(uri, headers, body,
                new RawClient.Signing("AKID", "secret", "us-east-1", "ecs", at));
        java.util.Map<String, List<String>> h = new java.util.TreeMap<>(signed.headers());
        h.put("Host", List.of("127.0.0.1:8080"));
        SignedRequest req = new SignedRequest("POST", uri.getRawPath(), uri.getRawQuery(), h,
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        SigV4Verifier v = new SigV4Verifier(new AccessKeys(Map.of("AKID", "secret"), true), "us-east-1", () -> at);
        assertThat(v.verify(req, "ecs")).isEqualTo("AKID");
    }

    @Test
    void verify_bodyChangedAfterSigningWithoutHashHeader_mismatchShowsCanonicalRequest() {
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        String amzDate = SigV4Verifier.AMZ_DATE.format(at);
        Map<String, List<String>> h = new java.util.TreeMap<>(Map.of("Host", List.of("localhost:8080"),
                "X-Amz-Date", List.of(amzDate)));
        SignedRequest original = new SignedRequest("POST", "/", null, h, "{}".getBytes());
        List<String> signedHeaders = List.of("host", "x-amz-date");
        String scope = "20260102/us-east-1/ecs/aws4_request";
        String sig = SigV4.signature(SigV4.signingKey("secret", "20260102", "us-east-1", "ecs"),
                SigV4.stringToSign(amzDate, scope, SigV4.canonicalRequest(original, signedHeaders,
                        SigV4.sha256Hex("{}".getBytes()))));
        h.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=AKID/" + scope
                + ", SignedHeaders=host;x-amz-date, Signature=" + sig));
        SigV4Verifier v = new SigV4Verifier(new AccessKeys(Map.of("AKID", "secret"), true), "us-east-1", () -> at);
        assertThat(v.verify(new SignedRequest("POST", "/", null, h, "{}".getBytes()), "ecs")).isEqualTo("AKID");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.verify(new SignedRequest("POST", "/", null, h,
                "{\"x\":1}".getBytes()), "ecs")).isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AuthException.Kind.BAD_SIGNATURE);
                    assertThat(e.getMessage()).contains("The Canonical String for this request should have been");
                });
    }

    @Test
    void canonicalQuery_sortsAndEncodes() {
        assertThat(SigV4.canonicalQuery("b=2&a=1&a=0&sp=x%20y&e&t=%7E"))
                .isEqualTo("a=0&a=1&b=2&e=&sp=x%20y&t=~");
    }
}
