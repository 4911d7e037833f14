package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The quota table's defaults (AWS's, from the fact sheet and the developer guide) and the configuration syntax. */
class ServiceQuotaTest {

    @ParameterizedTest
    @CsvSource({
        "CLUSTERS_PER_ACCOUNT, clusters-per-account, 10000, true",
        "SERVICES_PER_CLUSTER, services-per-cluster, 5000, true",
        "TASKS_PER_SERVICE, tasks-per-service, 5000, true",
        "CONTAINER_INSTANCES_PER_CLUSTER, container-instances-per-cluster, 5000, false",
        "CAPACITY_PROVIDERS_PER_CLUSTER, capacity-providers-per-cluster, 20, false",
        "CONTAINERS_PER_TASK_DEFINITION, containers-per-task-definition, 10, false",
        "CONTAINER_INSTANCES_PER_START_TASK, container-instances-per-start-task, 10, false",
        "TASKS_PER_RUN_TASK, tasks-per-run-task, 10, false",
        "REVISIONS_PER_TASK_DEFINITION_FAMILY, revisions-per-task-definition-family, 1000000, false",
        "SUBNETS_PER_AWSVPC_CONFIGURATION, subnets-per-awsvpc-configuration, 16, false",
        "SECURITY_GROUPS_PER_AWSVPC_CONFIGURATION, security-groups-per-awsvpc-configuration, 5, false",
        "TAGS_PER_RESOURCE, tags-per-resource, 50, false",
        "TAGS_PER_MANAGED_INSTANCES_CAPACITY_PROVIDER, tags-per-managed-instances-capacity-provider, 45, false",
    })
    void defaults_areAwsValues_andTheDefaultQuotasUseThem(ServiceQuota q, String key, int value, boolean adjustable) {
        assertThat(q.key()).isEqualTo(key);
        assertThat(ServiceQuota.ofKey(key)).isSameAs(q);
        assertThat(q.defaultValue()).isEqualTo(value);
        assertThat(q.adjustable()).isEqualTo(adjustable);
        assertThat(Quotas.defaults().get(q)).isEqualTo(value);
        assertThat(q.source()).isNotBlank();
        assertThat(q.counts()).isNotBlank();
    }

    @Test
    void everyQuota_isInTheTableAbove() {
        assertThat(Arrays.stream(ServiceQuota.values()).map(ServiceQuota::key)).hasSize(13);
    }

    @Test
    void with_setsOnlyTheNamedQuotas_defaultValueIsNotAChange() {
        Quotas q = Quotas.defaults().with(List.of("services-per-cluster=3", "clusters-per-account = 10_000",
                "tasks-per-service=1,000"));
        assertThat(q.get(ServiceQuota.SERVICES_PER_CLUSTER)).isEqualTo(3);
        assertThat(q.get(ServiceQuota.TASKS_PER_SERVICE)).isEqualTo(1000);
        assertThat(q.get(ServiceQuota.CLUSTERS_PER_ACCOUNT)).isEqualTo(10_000);
        assertThat(q.configured()).containsOnlyKeys(ServiceQuota.SERVICES_PER_CLUSTER, ServiceQuota.TASKS_PER_SERVICE);
        assertThat(q.toString()).isEqualTo("services-per-cluster=3, tasks-per-service=1000");
        assertThat(Quotas.defaults().toString()).isEqualTo("AWS defaults");
    }

    @Test
    void with_badNameValueOrForm_refusedWithTheReason() {
        assertThatThrownBy(() -> Quotas.defaults().with(List.of("services=3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no service quota named 'services'")
                .hasMessageContaining("services-per-cluster");
        assertThatThrownBy(() -> Quotas.defaults().with(List.of("services-per-cluster=many")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> Quotas.defaults().with(List.of("services-per-cluster=0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Quotas.defaults().with(List.of("services-per-cluster")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAME=VALUE");
    }

    @Test
    void check_refusesOnlyBeyondTheLimit_withTheQuotasError() {
        Quotas q = Quotas.defaults().with(ServiceQuota.TASKS_PER_RUN_TASK, 3);
        q.check(ServiceQuota.TASKS_PER_RUN_TASK, 3);
        assertThatThrownBy(() -> q.check(ServiceQuota.TASKS_PER_RUN_TASK, 4))
                .isInstanceOfSatisfying(io.stevedore.wire.AwsException.class, e -> {
                    assertThat(e.errorType()).isEqualTo("InvalidParameterException");
                    assertThat(e.getMessage()).isEqualTo("Task count can not be greater than 3");
                });
    }
}
