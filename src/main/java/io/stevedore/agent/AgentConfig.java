package io.stevedore.agent;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How an agent is started.
 *
 * @param endpoint         the control plane's base URL (the ECS API and, by DiscoverPollEndpoint, the poll)
 * @param cluster          the cluster to register with (name or ARN)
 * @param region           the region of the SigV4 scope
 * @param dataDir          the agent's data directory (its state file)
 * @param attributes       the user's attributes, added to the agent's own
 * @param accessKeyId      the access key the agent signs with
 * @param secretAccessKey  its secret
 * @param cpu              CPU units to register, or null for this machine's processors × 1024
 * @param memoryMiB        MiB to register, or null for this machine's memory less {@link #RESERVED_MEMORY_MIB}
 * @param identityDocument an EC2 instance identity document (JSON) for a managed instance, or null (external)
 * @param metadataPort     the metadata endpoint's port on first start (0: any free port; kept in the state file)
 * @param pollWaitSeconds  how long one poll may be held by the server
 */
public record AgentConfig(URI endpoint, String cluster, String region, Path dataDir, Map<String, String> attributes,
                          String accessKeyId, String secretAccessKey, Integer cpu, Integer memoryMiB,
                          String identityDocument, int metadataPort, int pollWaitSeconds) {
    /** Memory kept back for the operating system, Docker and the agent when the machine's memory is registered. */
    public static final int RESERVED_MEMORY_MIB = 256;

    public AgentConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(dataDir, "dataDir");
        attributes = Map.copyOf(attributes);
        if (pollWaitSeconds < 0 || pollWaitSeconds > 60) {
            throw new IllegalArgumentException("pollWaitSeconds is between 0 and 60: " + pollWaitSeconds);
        }
    }

    /** An external machine's agent with the given keys and this machine's resources. */
    public static AgentConfig external(URI endpoint, String cluster, String region, Path dataDir,
                                       Map<String, String> attributes, String accessKeyId, String secretAccessKey) {
        return new AgentConfig(endpoint, cluster, region, dataDir, attributes, accessKeyId, secretAccessKey, null,
                null, null, 0, 20);
    }

    /** The same agent with another poll wait (tests shorten it). */
    public AgentConfig withPollWaitSeconds(int seconds) {
        return new AgentConfig(endpoint, cluster, region, dataDir, attributes, accessKeyId, secretAccessKey, cpu,
                memoryMiB, identityDocument, metadataPort, seconds);
    }
}
