package io.stevedore.bench.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.placement.TaskDemand;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.provisioning.Zone;
import java.util.List;

/** The three scale-up experiments of shared/scenarios/seed-scale-up.md. */
public final class Seeds {
    static final String REQUIREMENTS = """
            {"vCpuCount": {"min": 2, "max": 4},
             "memoryMiB": {"min": 2048, "max": 16384},
             "instanceGenerations": ["current", "previous"],
             "cpuManufacturers": ["amazon-web-services"],
             "burstablePerformance": "included",
             "bareMetal": "excluded"}""";
    static final List<Zone> ZONES = List.of(new Zone("subnet-a", "us-east-1a"), new Zone("subnet-b", "us-east-1b"),
            new Zone("subnet-c", "us-east-1c"));

    record Seed(String name, int tasks, int cpu, int memory, double target, double real) {
    }

    static final List<Seed> SEEDS = List.of(new Seed("A", 30, 512, 1024, 0.51, 2.04),
            new Seed("B", 10, 1000, 3500, 0.34, 0.34), new Seed("C", 10, 1000, 14000, 1.01, 1.01));

    static List<Offering> offerings(CapacityOfferings source) throws Exception {
        JsonNode req = new ObjectMapper().readTree(REQUIREMENTS);
        return source.offerings(req, "us-east-1", PurchaseOption.ON_DEMAND);
    }

    static LaunchPlan plan(Seed s, List<Offering> offerings) {
        PendingGroup g = new PendingGroup("test-ecs-service", TaskDemand.awsvpc(s.cpu(), s.memory(),
                Architecture.ARM64), s.tasks());
        return new Provisioner().plan(new ProvisioningRequest(List.of(g), offerings, ZONES));
    }

    public static void main(String[] args) throws Exception {
        List<Offering> offerings = offerings(CapacityOfferings.load());
        for (Seed s : SEEDS) {
            LaunchPlan p = plan(s, offerings);
            System.out.printf("%s ec2=%.4f fee=%.4f fleet=%s unplaceable=%s%n", s.name(), p.ec2PerHour(),
                    p.feePerHour(), p.fleet(), p.unplaceable());
        }
    }
}
