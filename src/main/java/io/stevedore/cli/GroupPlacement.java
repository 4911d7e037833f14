package io.stevedore.cli;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.Offering;
import io.stevedore.placement.InstanceView;
import io.stevedore.placement.ManagedInstancesConstraints;
import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.query.ProspectiveInstance;
import io.stevedore.placement.query.QueryTarget;
import io.stevedore.provisioning.Zone;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a task group's new capacity may go under its placement constraints, evaluated with placement's cluster
 * query language against each would-be instance (subnet × instance type). Managed Instances accepts only
 * {@code memberOf} on {@code ecs.subnet-id}, {@code ecs.availability-zone}, {@code ecs.instance-type} and
 * {@code ecs.cpu-architecture} ({@link ManagedInstancesConstraints}). The provisioner takes one offering list for all
 * zones, so when the allowed types differ from zone to zone only the types allowed in every allowed zone are
 * used (never a violation; possibly a dearer fleet — docs/decisions.md).
 *
 * @param zones     the subnets where some allowed type may launch
 * @param offerings the types allowed in every one of those subnets
 * @param key       groups with equal keys are packed together
 */
record GroupPlacement(List<Zone> zones, List<Offering> offerings, String key) {

    /** @throws IllegalArgumentException or placement's validation exception, with ECS's message */
    static GroupPlacement of(List<software.amazon.awssdk.services.ecs.model.PlacementConstraint> wire,
                             List<Zone> zones, List<Offering> offerings, Architecture arch) {
        List<PlacementConstraint> constraints = new ArrayList<>();
        for (software.amazon.awssdk.services.ecs.model.PlacementConstraint c : wire) {
            constraints.add(PlacementConstraint.of(c.typeAsString(), c.expression()));
        }
        ManagedInstancesConstraints.validateConstraints(constraints);
        if (constraints.isEmpty()) {
            return new GroupPlacement(zones, offerings, "");
        }
        List<Zone> allowedZones = new ArrayList<>();
        Set<Offering> common = null;
        for (Zone z : zones) {
            Set<Offering> allowed = new LinkedHashSet<>();
            for (Offering o : offerings) {
                if (matchesAll(constraints, target(z, o, arch))) {
                    allowed.add(o);
                }
            }
            if (!allowed.isEmpty()) {
                allowedZones.add(z);
                if (common == null) {
                    common = allowed;
                } else {
                    common.retainAll(allowed);
                }
            }
        }
        if (allowedZones.isEmpty() || common.isEmpty()) {
            throw new IllegalArgumentException("the placement constraints exclude every subnet or instance type of"
                    + " the capacity provider");
        }
        List<String> names = common.stream().map(o -> o.type().name()).toList();
        return new GroupPlacement(List.copyOf(allowedZones), List.copyOf(common),
                allowedZones.stream().map(Zone::subnetId).toList() + "|" + names.hashCode() + "|" + names.size());
    }

    private static boolean matchesAll(List<PlacementConstraint> constraints, QueryTarget t) {
        for (PlacementConstraint c : constraints) {
            if (c instanceof PlacementConstraint.MemberOf m && !m.expression().matches(t)) {
                return false;
            }
        }
        return true;
    }

    /** The attributes a new instance of offering {@code o} in zone {@code z} will register. */
    private static QueryTarget target(Zone z, Offering o, Architecture arch) {
        Architecture a = o.type().supports(arch) ? arch : o.type().architectures().iterator().next();
        Map<String, String> attributes = Map.of(InstanceView.ATTR_INSTANCE_TYPE, o.type().name(),
                InstanceView.ATTR_AZ, z.availabilityZone(), InstanceView.ATTR_SUBNET, z.subnetId(),
                InstanceView.ATTR_ARCH, a.ec2Name(), InstanceView.ATTR_OS, "linux");
        return new ProspectiveInstance(attributes, null, "");
    }
}
