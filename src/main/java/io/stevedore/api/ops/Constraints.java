package io.stevedore.api.ops;

import static io.stevedore.api.Errors.require;

import io.stevedore.api.Context;
import io.stevedore.api.engine.FilterExpression;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;

/** Placement constraints: memberOf expressions must parse; on Managed Instances only four attributes exist. */
final class Constraints {
    /** The attributes memberOf may use on Managed Instances (fact sheet §2). */
    static final Set<String> MI_ATTRIBUTES = Set.of("ecs.subnet-id", "ecs.availability-zone", "ecs.instance-type",
            "ecs.cpu-architecture");

    private Constraints() {
    }

    static void validate(Context ctx, List<PlacementConstraint> constraints, Targets targets) {
        if (constraints == null) {
            return;
        }
        boolean mi = targets.strategy().stream().anyMatch(i -> Strategies.find(ctx, i.capacityProvider())
                .map(Strategies::isManagedInstances).orElse(false));
        for (PlacementConstraint c : constraints) {
            require(c != null && c.typeAsString() != null, "placementConstraints: type must be specified.");
            if ("distinctInstance".equals(c.typeAsString())) {
                require(c.expression() == null || c.expression().isEmpty(),
                        "placementConstraints: distinctInstance takes no expression.");
                continue;
            }
            require(c.expression() != null && !c.expression().isBlank(),
                    "placementConstraints: memberOf requires an expression.");
            require(c.expression().length() <= 2000, "placementConstraints: expression is too long.");
            FilterExpression.parse(c.expression());
            if (mi) {
                for (String a : FilterExpression.attributes(c.expression())) {
                    require(MI_ATTRIBUTES.contains(a), "Placement constraint attribute '" + a + "' is not supported"
                            + " on Amazon ECS Managed Instances; use ecs.subnet-id, ecs.availability-zone,"
                            + " ecs.instance-type or ecs.cpu-architecture.");
                }
            }
        }
    }

}
