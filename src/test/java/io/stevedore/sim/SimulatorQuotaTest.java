package io.stevedore.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.ecs.ServiceQuota;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.SimWorkloadReader;
import io.stevedore.sim.workload.WorkloadError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The simulated control plane enforces the ECS service quotas, at the values a workload's {@code quotas} declares. */
class SimulatorQuotaTest {
    private static final String WORKLOAD = """
            duration: 1h
            %s
            capacityProviders:
              - name: general
                instanceRequirements: {vCpuCount: {min: 2, max: 8}, memoryMiB: {min: 4096}}
            taskDefinitions:
              - family: web
                cpu: 256
                memory: 512
                containerDefinitions: [{name: app, image: nginx, essential: true}]
            services:
              - name: web
                replicas: 3
                taskDefinition: web
                desiredCount: 1
            """;

    private static SimWorkload read(String quotas) {
        return new SimWorkloadReader().read("quota", WORKLOAD.formatted(quotas));
    }

    @Test
    void quotas_readByKey_othersStayAtAwsDefaults() {
        SimWorkload w = read("quotas: {services-per-cluster: 2, tasks-per-service: 7}");
        assertThat(w.quotas().get(ServiceQuota.SERVICES_PER_CLUSTER)).isEqualTo(2);
        assertThat(w.quotas().get(ServiceQuota.TASKS_PER_SERVICE)).isEqualTo(7);
        assertThat(w.quotas().get(ServiceQuota.CLUSTERS_PER_ACCOUNT)).isEqualTo(10_000);
        assertThat(read("").quotas().configured()).isEmpty();
    }

    @Test
    void quotas_unknownNameOrValueBelowOne_isAWorkloadErrorWithItsLine() {
        assertThatThrownBy(() -> read("quotas: {services: 2}")).isInstanceOf(WorkloadError.class)
                .hasMessageContaining("line 2").hasMessageContaining("no service quota named 'services'");
        assertThatThrownBy(() -> read("quotas: {services-per-cluster: 0}")).isInstanceOf(WorkloadError.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void run_moreServicesThanTheDeclaredQuota_failsWithEcsError_withinItRuns() {
        SimWorkload tooMany = read("quotas: {services-per-cluster: 2}");
        assertThatThrownBy(() -> new Simulator(tooMany, SimOptions.of(Duration.ofHours(1), 1)).run(Progress.NONE))
                .isInstanceOf(WorkloadError.class).hasMessageContaining("services.0: CreateService failed")
                .hasMessageContaining("The maximum number of services per cluster has been exceeded.");
        SimWorkload enough = read("quotas: {services-per-cluster: 3}");
        assertThat(new Simulator(enough, SimOptions.of(Duration.ofHours(1), 1)).run(Progress.NONE)
                .path("summary").path("managedInstances").path("tasksStarted").asInt()).isGreaterThanOrEqualTo(3);
    }
}
