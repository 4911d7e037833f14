package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;

/** Required members of nested structures (found missing by the fuzzer), through the real SDK. */
class RequiredMembersApiTest {
    @TempDir
    Path dir;

    @Test
    void nestedRequiredMemberMissing_invalidParameterNamingThePath_nothingCreated() throws Exception {
        try (EcsServerFixture f = new EcsServerFixture(dir, false)) {
            assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("c")
                    .defaultCapacityProviderStrategy(CapacityProviderStrategyItem.builder().weight(1).build())))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("capacityProvider");
            assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("c")
                    .serviceConnectDefaults(s -> s.namespace(null))))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("serviceConnectDefaults.namespace must be specified.");
            assertThat(f.ecs.listClusters().clusterArns()).isEmpty();
        }
    }
}
