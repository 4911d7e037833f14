package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.api.auth.RawClient;
import io.stevedore.assembly.RegionalPlanes;
import io.stevedore.control.agents.Agents;
import io.stevedore.time.Clock;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Resource;

/** The agent channel at an endpoint serving every region: a poll goes to the plane its signature's region names. */
class AgentRegionsTest {
    @TempDir
    Path dir;

    private static RawClient.Response poll(URI endpoint, String region, String cluster, String ci) throws Exception {
        String body = new ObjectMapper().createObjectNode().put("cluster", cluster).put("containerInstanceArn", ci)
                .put("seen", 0).put("waitSeconds", 0).toString();
        return RawClient.send(RawClient.sign(URI.create(endpoint + "/agent/v1/poll"),
                Map.of("Content-Type", "application/json"), body, RawClient.Signing.ecs("test", "test")
                        .region(region)), body);
    }

    @Test
    void poll_reachesThePlaneOfItsSignaturesRegion_withThatRegionsAgentSettings() throws Exception {
        try (RegionalPlanes planes = RegionalPlanes.open(dir, EcsServerFixture.config(), Clock.system());
             ApiServer server = new ApiServer(planes, "127.0.0.1", 0, ApiServer.Options.localDefaults())) {
            server.start();
            planes.configureAgents(new Agents.Settings(Duration.ofSeconds(9), Duration.ofSeconds(30)));
            URI endpoint = URI.create("http://127.0.0.1:" + server.port());
            try (EcsClient west = EcsClient.builder().endpointOverride(endpoint).region(Region.US_WEST_2)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(Apache5HttpClient.builder().build()).build()) {
                west.createCluster(b -> b.clusterName("edge"));
                String ci = west.registerContainerInstance(b -> b.cluster("edge").totalResources(
                        Resource.builder().name("CPU").type("INTEGER").integerValue(1024).build(),
                        Resource.builder().name("MEMORY").type("INTEGER").integerValue(2048).build()))
                        .containerInstance().containerInstanceArn();
                assertThat(ci).startsWith("arn:aws:ecs:us-west-2:");
                RawClient.Response there = poll(endpoint, "us-west-2", "edge", ci);
                assertThat(there.status()).as(there.body()).isEqualTo(200);
                JsonNode answer = new ObjectMapper().readTree(there.body());
                assertThat(answer.path("heartbeatSeconds").asInt()).isEqualTo(3); // a region opened after configure
                RawClient.Response home = poll(endpoint, "us-east-1", "edge", ci);
                assertThat(home.status()).isEqualTo(400);
                assertThat(home.body()).contains("ClusterNotFoundException");
            }
        }
    }
}
