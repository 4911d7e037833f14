package io.stevedore.api.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Hand-made HTTP requests to a server, optionally signed by the AWS SDK's own SigV4 signer (the reference
 * implementation the server's verifier is checked against) at a chosen time, region and service.
 */
public final class RawClient {
    public static final String ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A response: status, headers and body. */
    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
    }

    /** How to sign: credentials, region, service and signing time. */
    public record Signing(String accessKey, String secret, String region, String service, Instant at) {
        public static Signing ecs(String key, String secret) {
            return new Signing(key, secret, "us-east-1", "ecs", Instant.now());
        }

        public Signing at(Instant time) {
            return new Signing(accessKey, secret, region, service, time);
        }

        public Signing region(String r) {
            return new Signing(accessKey, secret, r, service, at);
        }

        public Signing service(String s) {
            return new Signing(accessKey, secret, region, s, at);
        }
    }

    private RawClient() {
    }

    /** A signed request whose headers the SDK signer produced; {@code sentBody} may differ (tampering). */
    public static SdkHttpRequest sign(URI endpoint, Map<String, String> headers, String signedBody, Signing s) {
        return signBytes(endpoint, headers, signedBody.getBytes(StandardCharsets.UTF_8), s);
    }

    /** As {@link #sign} for arbitrary body bytes. */
    public static SdkHttpRequest signBytes(URI endpoint, Map<String, String> headers, byte[] bytes, Signing s) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder().uri(endpoint).method(SdkHttpMethod.POST);
        headers.forEach(b::putHeader);
        return AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(s.accessKey(), s.secret()))
                .request(b.build())
                .payload(() -> new java.io.ByteArrayInputStream(bytes))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, s.service())
                .putProperty(AwsV4HttpSigner.REGION_NAME, s.region())
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(s.at(), ZoneOffset.UTC))).request();
    }

    /** POSTs {@code body} with exactly the headers of {@code request} (Host is set by the HTTP client). */
    public static Response send(SdkHttpRequest request, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.getUri())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        request.headers().forEach((k, vs) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                vs.forEach(v -> b.header(k, v));
            }
        });
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().map(), r.body());
    }

    /** An ECS JSON call signed with {@code s} (null = unsigned), body signed as sent. */
    public static Response ecs(URI endpoint, String operation, String body, Signing s)
            throws IOException, InterruptedException {
        return ecs(endpoint, operation, body, body, s);
    }

    public static Response ecs(URI endpoint, String operation, String signedBody, String sentBody, Signing s)
            throws IOException, InterruptedException {
        Map<String, String> h = Map.of("X-Amz-Target", ECS_TARGET + operation,
                "Content-Type", "application/x-amz-json-1.1");
        SdkHttpRequest req = s == null ? SdkHttpFullRequest.builder().uri(endpoint).method(SdkHttpMethod.POST)
                .putHeader("X-Amz-Target", ECS_TARGET + operation)
                .putHeader("Content-Type", "application/x-amz-json-1.1").build()
                : sign(endpoint, h, signedBody, s);
        return send(req, sentBody);
    }

    /** An EC2 Query call ({@code Action=…&Version=2016-11-15}) signed with {@code s} (null = unsigned). */
    public static Response ec2(URI endpoint, String form, Signing s) throws IOException, InterruptedException {
        Map<String, String> h = Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        SdkHttpRequest req = s == null ? SdkHttpFullRequest.builder().uri(endpoint).method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").build()
                : sign(endpoint, h, form, s);
        return send(req, form);
    }

    /** A request with an arbitrary Authorization header (malformed cases). */
    public static Response withAuthorization(URI endpoint, String operation, String authorization, String amzDate)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("X-Amz-Target", ECS_TARGET + operation).header("Content-Type", "application/x-amz-json-1.1")
                .header("Authorization", authorization);
        if (amzDate != null) {
            b.header("X-Amz-Date", amzDate);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().map(), r.body());
    }
}
