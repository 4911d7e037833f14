package io.stevedore.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.api.ApiServer;
import io.stevedore.api.EcsServerFixture;
import io.stevedore.api.auth.RawClient.Signing;
import io.stevedore.api.limits.RateLimiter;
import io.stevedore.api.observe.LogFormat;
import io.stevedore.assembly.ControlPlane;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.time.Clock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;

/** SigV4 verification end to end: a real server, the real SDK clients and hand-made requests. */
class SigV4AuthApiTest {
    @TempDir
    static Path dir;
    static EcsServerFixture f;
    static URI endpoint;

    @BeforeAll
    static void start() throws Exception {
        f = new EcsServerFixture(dir.resolve("data"), false);
        endpoint = f.endpoint();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static EcsClient ecs(String key, String secret, Region region) {
        return EcsClient.builder().endpointOverride(endpoint).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    static Stream<Arguments> sdkCases() {
        return Stream.of(
                Arguments.of("wrong secret", "test", "not-test", Region.US_EAST_1, "InvalidSignatureException",
                        "The request signature we calculated does not match"),
                Arguments.of("unknown key", "AKIDUNKNOWN", "test", Region.US_EAST_1, "UnrecognizedClientException",
                        "The security token included in the request is invalid."),
                Arguments.of("wrong region", "test", "test", Region.EU_WEST_1, "InvalidSignatureException",
                        "Credential should be scoped to a valid region, not 'eu-west-1'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdkCases")
    void sdkClient_badCredentials_refusedWithAwsError(String name, String key, String secret, Region region,
                                                      String errorCode, String message) {
        try (EcsClient c = ecs(key, secret, region)) {
            assertThatThrownBy(c::listClusters).isInstanceOfSatisfying(AwsServiceException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
                assertThat(e.awsErrorDetails().errorMessage()).contains(message);
            });
        }
    }

    /** The SDK client with the default key (test/test) is let through: what it creates, it then lists. */
    @Test
    void sdkClient_defaultKey_passes() {
        String arn = f.ecs.createCluster(b -> b.clusterName("sigv4-default-key")).cluster().clusterArn();
        assertThat(arn).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/sigv4-default-key");
        assertThat(f.ecs.listClusters().clusterArns()).contains(arn);
    }

    static Stream<Arguments> rawCases() {
        Instant now = Instant.now();
        Signing ok = Signing.ecs("test", "test");
        return Stream.of(
                Arguments.of("signed by the SDK signer", ok, "{}", 200, null, "clusterArns"),
                Arguments.of("unsigned", null, "{}", 400, "MissingAuthenticationTokenException",
                        "Request is missing Authentication Token"),
                Arguments.of("wrong secret", Signing.ecs("test", "x"), "{}", 400, "InvalidSignatureException",
                        "does not match the signature you provided"),
                Arguments.of("unknown key", Signing.ecs("nobody", "test"), "{}", 400, "UnrecognizedClientException",
                        "The security token included in the request is invalid."),
                Arguments.of("expired (16 min old)", ok.at(now.minus(Duration.ofMinutes(16))), "{}", 400,
                        "InvalidSignatureException", "Signature expired: "),
                Arguments.of("14 min old is within the window", ok.at(now.minus(Duration.ofMinutes(14))), "{}", 200,
                        null, "clusterArns"),
                Arguments.of("16 min in the future", ok.at(now.plus(Duration.ofMinutes(16))), "{}", 400,
                        "InvalidSignatureException", "Signature not yet current: "),
                Arguments.of("tampered body", ok, "{\"maxResults\":5}", 400, "InvalidSignatureException",
                        "does not match"),
                Arguments.of("wrong region", ok.region("us-west-2"), "{}", 400, "InvalidSignatureException",
                        "Credential should be scoped to a valid region, not 'us-west-2'"),
                Arguments.of("wrong service", ok.service("ec2"), "{}", 400, "InvalidSignatureException",
                        "Credential should be scoped to correct service: 'ecs'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawCases")
    void handMadeRequest_signingCase_answersAsAws(String name, Signing signing, String sentBody, int status,
                                                  String errorType, String bodyFragment) throws Exception {
        RawClient.Response r = RawClient.ecs(endpoint, "ListClusters", "{}", sentBody, signing);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        if (errorType != null) {
            assertThat(r.body()).contains("\"__type\":\"" + errorType + "\"");
            assertThat(r.headers().get("x-amzn-errortype")).containsExactly(errorType);
        }
        assertThat(r.body()).contains(bodyFragment);
    }

    static Stream<Arguments> malformedHeaders() {
        String date = SigV4Verifier.AMZ_DATE.format(Instant.now());
        String scope = "test/" + date.substring(0, 8) + "/us-east-1/ecs/aws4_request";
        return Stream.of(
                Arguments.of("no signature part", "AWS4-HMAC-SHA256 Credential=" + scope
                        + ", SignedHeaders=host;x-amz-date", date, "Authorization header requires 'Signature'"),
                Arguments.of("no credential part", "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00", date,
                        "Authorization header requires 'Credential'"),
                Arguments.of("other algorithm", "Basic dGVzdDp0ZXN0", date, "AWS4-HMAC-SHA256"),
                Arguments.of("malformed credential", "AWS4-HMAC-SHA256 Credential=test/x, SignedHeaders=host,"
                        + " Signature=00", date, "Credential should be of the form"),
                Arguments.of("no date", "AWS4-HMAC-SHA256 Credential=" + scope + ", SignedHeaders=host,"
                        + " Signature=00", null, "'X-Amz-Date' or a 'Date' header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void malformedAuthorization_incompleteSignature(String name, String header, String date, String message)
            throws Exception {
        RawClient.Response r = RawClient.withAuthorization(endpoint, "ListClusters", header, date);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("IncompleteSignatureException").contains(message);
    }

    static Stream<Arguments> ec2Cases() {
        Signing ok = new Signing("test", "test", "us-east-1", "ec2", Instant.now());
        return Stream.of(
                Arguments.of("signed", ok, 200, "DescribeVpcsResponse"),
                Arguments.of("unsigned", null, 401, "<Code>MissingAuthenticationToken</Code>"),
                Arguments.of("unknown key", new Signing("nobody", "test", "us-east-1", "ec2", Instant.now()), 401,
                        "<Code>AuthFailure</Code>"),
                Arguments.of("wrong secret", new Signing("test", "x", "us-east-1", "ec2", Instant.now()), 403,
                        "<Code>SignatureDoesNotMatch</Code>"),
                Arguments.of("expired", ok.at(Instant.now().minus(Duration.ofHours(1))), 400,
                        "<Code>RequestExpired</Code>"),
                Arguments.of("signed for ecs", ok.service("ecs"), 403, "correct service: &apos;ec2&apos;"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ec2Cases")
    void ec2View_signingCase_answersInEc2Xml(String name, Signing signing, int status, String fragment)
            throws Exception {
        RawClient.Response r = RawClient.ec2(endpoint, "Action=DescribeVpcs&Version=2016-11-15", signing);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.body()).contains(fragment);
    }

    /**
     * A Query call signed for a service Stevedore does not answer (CloudFormation here, as moto's ECS suite calls it)
     * is told so by name, not answered as a badly signed EC2 call.
     */
    @Test
    void queryCall_forAnUnservedService_namesTheService() throws Exception {
        RawClient.Response r = RawClient.ec2(endpoint, "Action=CreateStack&Version=2010-05-15&StackName=s",
                new Signing("test", "test", "us-east-1", "cloudformation", Instant.now()));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>InvalidAction</Code>")
                .contains("does not serve &apos;cloudformation&apos;");
    }

    @Test
    void ec2Client_wrongSecret_signatureDoesNotMatch() {
        try (Ec2Client ec2 = Ec2Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "wrong")))
                .httpClient(Apache5HttpClient.builder().build())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())).build()) {
            assertThatThrownBy(ec2::describeVpcs).isInstanceOfSatisfying(AwsServiceException.class,
                    e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void beyondLoopback_withDefaultKey_refusedToStart() throws Exception {
        try (ControlPlane plane = ControlPlane.open(dir.resolve("wide"), PlaneConfig.defaults(), Clock.system())) {
            assertThatThrownBy(() -> new ApiServer(plane, "0.0.0.0", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("beyond loopback").hasMessageContaining("--credentials-file");
        }
    }

    /**
     * The loopback test mode (serve --any-access-key) accepts the fake keys other emulators' suites sign with, whatever
     * the secret, through a real SDK client; the default server refuses them; and the mode never binds beyond
     * loopback.
     */
    @Test
    void anyAccessKeyMode_acceptsOtherEmulatorsFakeKeys_onLoopbackOnly() throws Exception {
        ApiServer.Options options = new ApiServer.Options(AccessKeys.anyKey(), RateLimiter.disabled(), LogFormat.JSON,
                false);
        try (ControlPlane plane = ControlPlane.open(dir.resolve("any"), PlaneConfig.defaults(), Clock.system())) {
            assertThatThrownBy(() -> new ApiServer(plane, "0.0.0.0", 0, options))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback only");
            ApiServer server = new ApiServer(plane, "127.0.0.1", 0, options);
            server.start();
            try {
                URI local = URI.create("http://127.0.0.1:" + server.port());
                for (String[] key : new String[][] {{"testing", "testing"}, {"FOOBARKEY", "FOOBARSECRET"}}) {
                    try (EcsClient ecs = EcsClient.builder().endpointOverride(local).region(Region.US_EAST_1)
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key[0],
                                    key[1]))).httpClient(Apache5HttpClient.builder().build()).build()) {
                        String arn = ecs.createCluster(b -> b.clusterName("any-" + key[0].toLowerCase()))
                                .cluster().clusterArn();
                        assertThat(ecs.listClusters().clusterArns()).contains(arn);
                    }
                }
            } finally {
                server.close();
            }
        }
        assertThat(RawClient.ecs(endpoint, "ListClusters", "{}", Signing.ecs("testing", "testing")).body())
                .as("the default server").contains("UnrecognizedClientException");
    }

    @Test
    void configuredKeys_replaceTheDefault_andAllowWideBinding() throws Exception {
        AccessKeys keys = new AccessKeys(Map.of("AKIDOPERATOR", "s3cr3t/Key+x"), true);
        ApiServer.Options options = new ApiServer.Options(keys, RateLimiter.disabled(), LogFormat.JSON, false);
        try (ControlPlane plane = ControlPlane.open(dir.resolve("keys"), PlaneConfig.defaults(), Clock.system())) {
            ApiServer server = new ApiServer(plane, "0.0.0.0", 0, options);
            server.start();
            try {
                URI local = URI.create("http://127.0.0.1:" + server.port());
                assertThat(RawClient.ecs(local, "ListClusters", "{}", Signing.ecs("AKIDOPERATOR", "s3cr3t/Key+x"))
                        .status()).isEqualTo(200);
                assertThat(RawClient.ecs(local, "ListClusters", "{}", Signing.ecs("test", "test")).body())
                        .contains("UnrecognizedClientException");
                RawClient.Response reset = RawClient.send(RawClient.sign(local.resolve("/_stevedore/reset"),
                        Map.of(), "", Signing.ecs("test", "test")), "");
                assertThat(reset.body()).contains("UnrecognizedClientException");
            } finally {
                server.close();
            }
        }
    }
}
