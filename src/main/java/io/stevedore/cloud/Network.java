package io.stevedore.cloud;

import java.util.List;
import java.util.Objects;

/** Network facts of the cloud: VPCs, subnets (one availability zone each) and security groups. */
public final class Network {
    private Network() {
    }

    public record Vpc(String id, String cidrBlock, boolean isDefault) {
        public Vpc {
            Objects.requireNonNull(id, "id");
        }
    }

    public record Subnet(String id, String vpcId, String availabilityZone, String cidrBlock, boolean defaultForAz) {
        public Subnet {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(availabilityZone, "availabilityZone");
        }
    }

    public record SecurityGroup(String id, String vpcId, String name, String description) {
        public SecurityGroup {
            Objects.requireNonNull(id, "id");
        }
    }

    /** The network of a region. */
    public record Layout(List<Vpc> vpcs, List<Subnet> subnets, List<SecurityGroup> securityGroups) {
        public Layout {
            vpcs = List.copyOf(vpcs);
            subnets = List.copyOf(subnets);
            securityGroups = List.copyOf(securityGroups);
        }
    }
}
