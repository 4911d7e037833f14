package io.stevedore.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * JSON POSTs signed with SigV4 by the SDK's {@link AwsV4HttpSigner}: the poll channel (service {@code ecs}) and the
 * CloudWatch Logs API (service {@code logs}, AWS JSON 1.1), for which no SDK client is served here. An AWS-style
 * error answer ({@code __type}, {@code message}) becomes an {@link AwsError}.
 */
final class SignedHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers java.net.http sets itself and refuses from the caller (their signed values are the same). */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsIdentity credentials;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    SignedHttp(URI endpoint, String region, AwsCredentialsIdentity credentials) {
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
    }

    /** An AWS-style error answer. */
    static final class AwsError extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;

        AwsError(int status, String type, String message) {
            super(type + ": " + message);
            this.status = status;
            this.type = type;
        }
    }

    /** POSTs {@code body} to {@code path}; {@code target} is the X-Amz-Target (null: none). */
    JsonNode post(String path, String service, String region, String target, JsonNode body, Duration timeout)
            throws IOException, InterruptedException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        String contentType = target == null ? "application/json" : "application/x-amz-json-1.1";
        SdkHttpFullRequest.Builder unsigned = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST)
                .uri(endpoint.resolve(path)).putHeader("Content-Type", contentType);
        if (target != null) {
            unsigned.putHeader("X-Amz-Target", target);
        }
        SdkHttpRequest signed = signer.sign(r -> r.identity(credentials).request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region == null ? this.region : region)).request();
        HttpRequest.Builder request = HttpRequest.newBuilder(signed.getUri()).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        for (Map.Entry<String, List<String>> h : signed.headers().entrySet()) {
            if (!RESTRICTED.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                h.getValue().forEach(v -> request.header(h.getKey(), v));
            }
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        if (response.statusCode() / 100 != 2) {
            String type = answer.path("__type").asText("HTTP" + response.statusCode());
            type = type.substring(type.lastIndexOf('#') + 1);
            String message = answer.has("message") ? answer.path("message").asText()
                    : answer.path("Message").asText("");
            throw new AwsError(response.statusCode(), type, message);
        }
        return answer;
    }
}
