package io.stevedore.placement;

import io.stevedore.placement.query.Subject;
import java.util.List;
import java.util.Set;

/**
 * What Managed Instances accepts on top of ECS's general rules (AWS page below): only {@code memberOf}
 * constraints, and their expressions may only name the attributes {@code ecs.subnet-id},
 * {@code ecs.availability-zone}, {@code ecs.instance-type} and {@code ecs.cpu-architecture}.
 * (Which instance types MI launches — never 1-vCPU, nano or micro — is instance selection's rule, not this one.)
 * AWS page: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-tasks-services.html
 */
public final class ManagedInstancesConstraints {
    public static final Set<String> CONSTRAINT_ATTRIBUTES = Set.of(InstanceView.ATTR_SUBNET, InstanceView.ATTR_AZ,
            InstanceView.ATTR_INSTANCE_TYPE, InstanceView.ATTR_ARCH);

    private ManagedInstancesConstraints() {
    }

    /** Throws {@link PlacementValidationException} naming the first constraint MI refuses. */
    public static void validateConstraints(List<PlacementConstraint> constraints) {
        for (PlacementConstraint c : constraints) {
            if (c instanceof PlacementConstraint.DistinctInstance) {
                throw new PlacementValidationException("The distinctInstance placement constraint is not supported"
                        + " for tasks on Managed Instances capacity providers. Only memberOf constraints on the"
                        + " attributes " + allowed() + " are supported.");
            }
            PlacementConstraint.MemberOf m = (PlacementConstraint.MemberOf) c;
            for (Subject s : m.expression().subjects()) {
                if (s.kind() != Subject.Kind.ATTRIBUTE || !CONSTRAINT_ATTRIBUTES.contains(s.name())) {
                    throw new PlacementValidationException("The memberOf placement constraint expression '"
                            + m.text() + "' uses '" + s + "', which Managed Instances capacity providers do not"
                            + " support. Only the attributes " + allowed() + " are supported.");
                }
            }
        }
    }

    private static String allowed() {
        return "ecs.subnet-id, ecs.availability-zone, ecs.instance-type and ecs.cpu-architecture";
    }
}
