package io.stevedore.ecs;

import io.stevedore.placement.PlacementConstraint;
import io.stevedore.placement.PlacementFailure;
import io.stevedore.placement.PlacementStrategy;
import io.stevedore.placement.PlacementValidationException;
import io.stevedore.placement.providers.CapacityProviderStrategy;
import io.stevedore.placement.providers.StrategyItem;
import io.stevedore.wire.AwsException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint;

/**
 * SDK placement shapes ({@code placementConstraints}, {@code placementStrategy},
 * {@code capacityProviderStrategy}) to placement records; refusals become {@link AwsException}s of the type
 * ECS uses.
 */
public final class PlacementModelMapper {
    private PlacementModelMapper() {
    }

    public static List<PlacementConstraint> constraints(
            List<software.amazon.awssdk.services.ecs.model.PlacementConstraint> wire) {
        return guarded(() -> {
            List<PlacementConstraint> out = new ArrayList<>();
            for (var c : wire) {
                out.add(PlacementConstraint.of(c.typeAsString(), c.expression()));
            }
            checkCount(out.size());
            return out;
        });
    }

    /** Task definitions take only {@code memberOf} ({@code TaskDefinitionPlacementConstraintType}). */
    public static List<PlacementConstraint> taskDefinitionConstraints(List<TaskDefinitionPlacementConstraint> wire) {
        return guarded(() -> {
            List<PlacementConstraint> out = new ArrayList<>();
            for (var c : wire) {
                if (!"memberOf".equals(c.typeAsString())) {
                    throw new PlacementValidationException("Invalid placement constraint type '" + c.typeAsString()
                            + "' in a task definition. Valid types: memberOf (distinctInstance can be given to"
                            + " CreateService, UpdateService and RunTask).");
                }
                out.add(PlacementConstraint.of(c.typeAsString(), c.expression()));
            }
            checkCount(out.size());
            return out;
        });
    }

    public static List<PlacementStrategy> strategies(
            List<software.amazon.awssdk.services.ecs.model.PlacementStrategy> wire) {
        return guarded(() -> {
            if (wire.size() > PlacementStrategy.MAX_STRATEGIES) {
                throw new PlacementValidationException("Too many placement strategies: " + wire.size()
                        + " (at most " + PlacementStrategy.MAX_STRATEGIES + ").");
            }
            List<PlacementStrategy> out = new ArrayList<>();
            for (var s : wire) {
                out.add(PlacementStrategy.of(s.typeAsString(), s.field()));
            }
            return out;
        });
    }

    /** The strategy items (missing base/weight are 0, as in ECS). */
    public static CapacityProviderStrategy capacityProviderStrategy(List<CapacityProviderStrategyItem> wire) {
        return guarded(() -> new CapacityProviderStrategy(items(wire)));
    }

    public static List<StrategyItem> items(List<CapacityProviderStrategyItem> wire) {
        List<StrategyItem> out = new ArrayList<>();
        for (CapacityProviderStrategyItem i : wire) {
            if (i.capacityProvider() == null || i.capacityProvider().isEmpty()) {
                throw AwsException.invalidParameter("capacityProviderStrategy.capacityProvider must be specified.");
            }
            out.add(new StrategyItem(i.capacityProvider(), i.base() == null ? 0 : i.base(),
                    i.weight() == null ? 0 : i.weight()));
        }
        return out;
    }

    /**
     * An ECS {@code failures[]} entry for tasks that could not be placed: {@code reason} is ECS's code
     * ({@code RESOURCE:MEMORY}, …), {@code detail} the sentence with the numbers.
     *
     * @param arn the resource the failure is about (the task definition or cluster ARN as the caller reports it)
     */
    public static Failure failure(PlacementFailure f, String arn) {
        return Failure.builder().arn(arn).reason(f.ecsReason()).detail(f.message()).build();
    }

    /** Runs {@code body}, turning a placement refusal into the AWS error ECS answers. */
    public static <T> T guarded(Supplier<T> body) {
        try {
            return body.get();
        } catch (PlacementValidationException e) {
            throw new AwsException(e.errorType(), 400, e.getMessage());
        }
    }

    private static void checkCount(int n) {
        if (n > PlacementConstraint.MAX_CONSTRAINTS) {
            throw new PlacementValidationException("Too many placement constraints: " + n + " (at most "
                    + PlacementConstraint.MAX_CONSTRAINTS + ").");
        }
    }
}
